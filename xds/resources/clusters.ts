/** Clusters: the sidecar's `local_app`, and one EDS cluster per upstream named by its SNI. */
import { clusterSni, LOCAL_APP_CLUSTER } from '../snapshot/names.ts';
import { assertNever, type ChainLoadBalancer, type ConnectProxySnapshot, type Protocol, type ProxySnapshot, type ServiceIdentity, type UpstreamSnapshot } from '../snapshot/types.ts';
import {
  adsConfigSource,
  uniqueByName,
  durationMs,
  HTTP_PROTOCOL_OPTIONS_TYPE,
  socketAddress,
  typed,
  type BuiltResource,
  type EnvoyMessage,
} from './common.ts';
import { envoyUpstreamTls, grpcUpstreamTls } from './tls.ts';
import { lbPolicyFields, type Flavour } from './route-actions.ts';

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

/** One cluster an upstream needs: its name, whose identity its endpoints present, and how it balances. */
export interface UpstreamTarget {
  name: string;
  destination: ServiceIdentity;
  connectTimeoutMs: number;
  /** Identities of failover targets whose endpoints this cluster's assignment also holds. */
  alsoAccept: ServiceIdentity[];
  loadBalancer?: ChainLoadBalancer;
}

/** The clusters an upstream needs: its chain's targets, or its destination's one cluster. */
export function upstreamTargets(trustDomain: string, u: UpstreamSnapshot): UpstreamTarget[] {
  if (u.chain) {
    return u.chain.targets.map((t) => ({
      name: t.clusterName,
      destination: t.destination,
      connectTimeoutMs: t.connectTimeoutMs,
      alsoAccept: (t.failover ?? []).map((f) => f.destination),
      ...(t.loadBalancer ? { loadBalancer: t.loadBalancer } : {}),
    }));
  }
  return [{ name: clusterSni(trustDomain, u.destination), destination: u.destination, connectTimeoutMs: u.connectTimeoutMs, alsoAccept: [] }];
}

function edsCluster(t: UpstreamTarget, flavour: Flavour, transportSocket: EnvoyMessage, extra: EnvoyMessage): BuiltResource {
  return {
    name: t.name,
    resource: {
      name: t.name,
      type: 'EDS',
      eds_cluster_config: { eds_config: adsConfigSource() },
      connect_timeout: durationMs(t.connectTimeoutMs),
      ...lbPolicyFields(t.loadBalancer, flavour),
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
      return uniqueByName([
        localAppCluster(s),
        ...s.upstreams.flatMap((u) =>
          upstreamTargets(td, u).map((t) => edsCluster(t, 'envoy', envoyUpstreamTls(s.identity.service, t.name, td, t.destination, t.alsoAccept), http2Options(u.protocol))),
        ),
      ]);
    case 'grpc-proxyless':
      return uniqueByName(
        s.upstreams.flatMap((u) =>
          upstreamTargets(td, u).map((t) => edsCluster(t, 'grpc', grpcUpstreamTls(s.certificateProviderInstance, td, t.destination, t.alsoAccept), {})),
        ),
      );
    default:
      return assertNever(s);
  }
}
