/** Clusters: the sidecar's `local_app`, and one EDS cluster per upstream named by its SNI. */
import { clusterSni, LOCAL_APP_CLUSTER } from '../snapshot/names.ts';
import { assertNever, type ChainLoadBalancer, type Protocol, type ProxySnapshot, type ServiceIdentity, type UpstreamSnapshot } from '../snapshot/types.ts';
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
import { memoKey, NO_MEMO, type BuildMemo } from './memo.ts';

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

function localAppCluster(address: string, port: number, protocol: Protocol): BuiltResource {
  return {
    name: LOCAL_APP_CLUSTER,
    resource: {
      name: LOCAL_APP_CLUSTER,
      type: 'STATIC',
      connect_timeout: durationMs(LOCAL_APP_CONNECT_TIMEOUT_MS),
      load_assignment: {
        cluster_name: LOCAL_APP_CLUSTER,
        endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(address, port) } }] }],
      },
      ...http2Options(protocol),
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

/** Every cluster of a proxy, sorted by name. Each is shared by every proxy with the same inputs (see memo.ts). */
export function buildClusters(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): BuiltResource[] {
  const td = s.tls.trustDomain;
  switch (s.kind) {
    case 'connect-proxy': {
      const { localAppAddress, localAppPort, protocol } = s.inbound;
      return uniqueByName([
        memo.byKey(memoKey('local-app', localAppAddress, localAppPort, protocol), () => localAppCluster(localAppAddress, localAppPort, protocol)),
        ...s.upstreams.flatMap((u) =>
          upstreamTargets(td, u).map((t) =>
            // Keyed by content, not by the upstream: every proxy with this destination shares one object.
            memo.byKey(memoKey('cluster-envoy', td, u.protocol, t), () =>
              edsCluster(t, 'envoy', envoyUpstreamTls(t.name, td, t.destination, t.alsoAccept), http2Options(u.protocol)),
            ),
          ),
        ),
      ]);
    }
    case 'grpc-proxyless': {
      const instance = s.certificateProviderInstance;
      return uniqueByName(
        s.upstreams.flatMap((u) =>
          upstreamTargets(td, u).map((t) =>
            memo.byKey(memoKey('cluster-grpc', td, instance, t), () => edsCluster(t, 'grpc', grpcUpstreamTls(instance, td, t.destination, t.alsoAccept), {})),
          ),
        ),
      );
    }
    default:
      return assertNever(s);
  }
}
