/** Clusters: the sidecar's `local_app`, and one EDS cluster per upstream named by its SNI. */
import { clusterSni, LOCAL_APP_CLUSTER } from '../snapshot/names.ts';
import { assertNever, type ConnectProxySnapshot, type Protocol, type ProxySnapshot, type UpstreamSnapshot } from '../snapshot/types.ts';
import {
  adsConfigSource,
  byName,
  uniqueByName,
  durationMs,
  HTTP_PROTOCOL_OPTIONS_TYPE,
  socketAddress,
  typed,
  type BuiltResource,
  type EnvoyMessage,
} from './common.ts';
import { envoyUpstreamTls, grpcUpstreamTls } from './tls.ts';

/** Default connect timeout for the local app, as Consul's sidecars use. */
const LOCAL_APP_CONNECT_TIMEOUT_MS = 5000;

/** Envoy speaks HTTP/2 upstream only when told; gRPC and http2 services need it. */
function http2Options(protocol: Protocol): EnvoyMessage {
  if (protocol !== 'http2' && protocol !== 'grpc') return {};
  return {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(HTTP_PROTOCOL_OPTIONS_TYPE, {
        explicit_http_config: { http2_protocol_options: {} },
      }),
    },
  };
}

function localAppCluster(s: ConnectProxySnapshot): BuiltResource {
  return {
    name: LOCAL_APP_CLUSTER,
    resource: {
      name: LOCAL_APP_CLUSTER,
      type: 'STATIC',
      connect_timeout: durationMs(LOCAL_APP_CONNECT_TIMEOUT_MS),
      load_assignment: {
        cluster_name: LOCAL_APP_CLUSTER,
        endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(s.inbound.localAppAddress, s.inbound.localAppPort) } }] }],
      },
      ...http2Options(s.inbound.protocol),
    },
  };
}

function edsCluster(name: string, u: UpstreamSnapshot, transportSocket: EnvoyMessage, extra: EnvoyMessage): BuiltResource {
  return {
    name,
    resource: {
      name,
      type: 'EDS',
      eds_cluster_config: { eds_config: adsConfigSource() },
      connect_timeout: durationMs(u.connectTimeoutMs),
      lb_policy: 'ROUND_ROBIN',
      transport_socket: transportSocket,
      ...extra,
    },
  };
}

/** Every cluster of a proxy, sorted by name. */
export function buildClusters(s: ProxySnapshot): BuiltResource[] {
  const td = s.tls.trustDomain;
  switch (s.kind) {
    case 'connect-proxy':
      return [
        localAppCluster(s),
        ...s.upstreams.map((u) => {
          const sni = clusterSni(td, u.destination);
          return edsCluster(sni, u, envoyUpstreamTls(s.identity.service, sni, td, u.destination), http2Options(u.protocol));
        }),
      ].sort(byName);
    case 'grpc-proxyless':
      return uniqueByName(s.upstreams.map((u) => edsCluster(clusterSni(td, u.destination), u, grpcUpstreamTls(s.certificateProviderInstance, td, u.destination), {})));
    default:
      return assertNever(s);
  }
}
