/** SDS secrets for Envoy: the proxy's own leaf, and the trusted roots. Proxyless gRPC reads files instead. */
import { LEAF_SECRET_NAME, ROOTS_SECRET_NAME } from '../snapshot/names.ts';
import { assertNever, type ProxySnapshot } from '../snapshot/types.ts';
import { byName, type BuiltResource } from './common.ts';
import { NO_MEMO, type BuildMemo } from './memo.ts';

function leafSecret(certPEM: string, keyPEM: string): BuiltResource {
  const name = LEAF_SECRET_NAME;
  return {
    name,
    resource: {
      name,
      tls_certificate: {
        certificate_chain: { inline_string: certPEM },
        private_key: { inline_string: keyPEM },
      },
    },
  };
}

function rootsSecret(rootsPEM: readonly string[]): BuiltResource {
  return {
    name: ROOTS_SECRET_NAME,
    resource: {
      name: ROOTS_SECRET_NAME,
      validation_context: { trusted_ca: { inline_string: rootsPEM.join('\n') } },
    },
  };
}

/** The leaf and roots secrets of a sidecar, sorted by name; none for proxyless gRPC. Shared by every proxy of a service (leaf) or of the mesh (roots). */
export function buildSecrets(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy': {
      const { leafCertPEM, leafKeyPEM, rootsPEM } = s.tls;
      return [
        memo.byValues(`leaf\0${s.identity.service}`, [leafCertPEM, leafKeyPEM], () => leafSecret(leafCertPEM, leafKeyPEM)),
        memo.byValues('roots', rootsPEM, () => rootsSecret(rootsPEM)),
      ].sort(byName);
    }
    case 'grpc-proxyless':
      return [];
    default:
      return assertNever(s);
  }
}
