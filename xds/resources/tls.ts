/** TLS contexts: Envoy's (certificates by SDS) and proxyless gRPC's (certificate-provider instances). */
import { spiffeId } from '../snapshot/names.ts';
import { LEAF_SECRET_NAME, ROOTS_SECRET_NAME } from '../snapshot/names.ts';
import type { ServiceIdentity } from '../snapshot/types.ts';
import { DOWNSTREAM_TLS_TYPE, sdsSecret, typed, UPSTREAM_TLS_TYPE, type EnvoyMessage } from './common.ts';

/** The SPIFFE IDs a cluster's endpoints may present, each once, the upstream's first. */
function spiffeIds(trustDomain: string, upstream: ServiceIdentity, also: readonly ServiceIdentity[]): string[] {
  return [...new Set([upstream, ...also].map((u) => spiffeId(trustDomain, u)))];
}

function transportSocket(messageName: string, body: EnvoyMessage): EnvoyMessage {
  return { name: 'envoy.transport_sockets.tls', typed_config: typed(messageName, body) };
}

/** Inbound mTLS for a sidecar: present the proxy's leaf, require a client certificate from the CA. */
export function envoyDownstreamTls(): EnvoyMessage {
  return transportSocket(DOWNSTREAM_TLS_TYPE, {
    require_client_certificate: { value: true },
    common_tls_context: {
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
      tls_certificate_sds_secret_configs: [sdsSecret(LEAF_SECRET_NAME)],
      validation_context_sds_secret_config: sdsSecret(ROOTS_SECRET_NAME),
    },
  });
}

/**
 * Outbound mTLS from a sidecar to an upstream: SNI, own leaf, and a SAN match on the upstream's SPIFFE ID
 * (or any of `also`'s: the failover targets whose endpoints share the cluster).
 */
export function envoyUpstreamTls(sni: string, trustDomain: string, upstream: ServiceIdentity, also: readonly ServiceIdentity[] = []): EnvoyMessage {
  return transportSocket(UPSTREAM_TLS_TYPE, {
    sni,
    common_tls_context: {
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
      tls_certificate_sds_secret_configs: [sdsSecret(LEAF_SECRET_NAME)],
      combined_validation_context: {
        default_validation_context: {
          match_typed_subject_alt_names: spiffeIds(trustDomain, upstream, also).map((id) => ({ san_type: 'URI', matcher: { exact: id } })),
        },
        validation_context_sds_secret_config: sdsSecret(ROOTS_SECRET_NAME),
      },
    },
  });
}

/** Inbound mTLS for a proxyless gRPC server, from the bootstrap's certificate provider. */
export function grpcDownstreamTls(instance: string): EnvoyMessage {
  return transportSocket(DOWNSTREAM_TLS_TYPE, {
    require_client_certificate: { value: true },
    common_tls_context: {
      tls_certificate_provider_instance: { instance_name: instance },
      validation_context: { ca_certificate_provider_instance: { instance_name: instance } },
    },
  });
}

/**
 * Outbound mTLS for a proxyless gRPC client. gRPC (1.14) reads
 * `match_subject_alt_names`, not the typed variant Envoy prefers. `also` as for Envoy.
 */
export function grpcUpstreamTls(instance: string, trustDomain: string, upstream: ServiceIdentity, also: readonly ServiceIdentity[] = []): EnvoyMessage {
  return transportSocket(UPSTREAM_TLS_TYPE, {
    common_tls_context: {
      tls_certificate_provider_instance: { instance_name: instance },
      validation_context: {
        ca_certificate_provider_instance: { instance_name: instance },
        match_subject_alt_names: spiffeIds(trustDomain, upstream, also).map((id) => ({ exact: id })),
      },
    },
  });
}
