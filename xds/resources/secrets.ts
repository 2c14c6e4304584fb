/** SDS secrets for Envoy: the proxy's own leaf, and the trusted roots. Proxyless gRPC reads files instead. */
import { leafSecretName, ROOTS_SECRET_NAME } from '../snapshot/names.ts';
import { assertNever, type ProxySnapshot } from '../snapshot/types.ts';
import { byName, type BuiltResource } from './common.ts';

/** The leaf and roots secrets of a sidecar, sorted by name; none for proxyless gRPC. */
export function buildSecrets(s: ProxySnapshot): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy': {
      const leaf = leafSecretName(s.identity.service);
      return [
        {
          name: leaf,
          resource: {
            name: leaf,
            tls_certificate: {
              certificate_chain: { inline_string: s.tls.leafCertPEM },
              private_key: { inline_string: s.tls.leafKeyPEM },
            },
          },
        },
        {
          name: ROOTS_SECRET_NAME,
          resource: {
            name: ROOTS_SECRET_NAME,
            validation_context: { trusted_ca: { inline_string: s.tls.rootsPEM.join('\n') } },
          },
        },
      ].sort(byName);
    }
    case 'grpc-proxyless':
      return [];
    default:
      return assertNever(s);
  }
}
