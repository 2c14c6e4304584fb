/** Listeners: a sidecar's public and upstream listeners; a proxyless service's API and server listeners. */
import {
  grpcServerListenerName,
  LOCAL_APP_CLUSTER,
  publicListenerName,
  upstreamListenerName,
  clusterSni,
} from '../snapshot/names.ts';
import {
  assertNever,
  isHttpProtocol,
  type InboundSnapshot,
  type ProxySnapshot,
  type UpstreamSnapshot,
} from '../snapshot/types.ts';
import {
  adsConfigSource,
  byName,
  HCM_TYPE,
  routerFilter,
  socketAddress,
  statPrefix,
  TCP_PROXY_TYPE,
  typed,
  type BuiltResource,
  type EnvoyMessage,
} from './common.ts';
import { allowsEverything, httpRbacFilter, networkRbacFilter } from './rbac.ts';
import { envoyDownstreamTls, grpcDownstreamTls } from './tls.ts';
import { NO_MEMO, type BuildMemo } from './memo.ts';

function hcmFilter(body: EnvoyMessage): EnvoyMessage {
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: typed(HCM_TYPE, body) };
}

function tcpProxyFilter(prefix: string, cluster: string): EnvoyMessage {
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: typed(TCP_PROXY_TYPE, { stat_prefix: prefix, cluster }) };
}

function rdsHcm(prefix: string, routeName: string): EnvoyMessage {
  return {
    stat_prefix: prefix,
    rds: { route_config_name: routeName, config_source: adsConfigSource() },
    http_filters: [routerFilter()],
  };
}

/** The inbound filter chain: mTLS, RBAC and the way to the local app; the same for every instance of a service. */
function publicFilterChain(inbound: InboundSnapshot): EnvoyMessage {
  const prefix = 'public_listener';
  const filters = isHttpProtocol(inbound.protocol)
    ? [
        hcmFilter({
          stat_prefix: prefix,
          codec_type: 'AUTO',
          route_config: {
            name: prefix,
            virtual_hosts: [
              { name: prefix, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: LOCAL_APP_CLUSTER } }] },
            ],
          },
          http_filters: [httpRbacFilter(inbound.authorization), routerFilter()],
        }),
      ]
    : [networkRbacFilter(inbound.authorization, prefix), tcpProxyFilter(prefix, LOCAL_APP_CLUSTER)];
  return { transport_socket: envoyDownstreamTls(), filters };
}

/**
 * A sidecar's inbound (public) listener, as buildListeners gives it. The
 * filter chain depends on the authorization (shared per destination) and the
 * protocol only, so every instance of a service shares it; the listener around
 * it is the proxy's own address.
 */
export function sidecarInboundListener(inbound: InboundSnapshot, memo: BuildMemo = NO_MEMO): BuiltResource {
  const { address, port, protocol, authorization } = inbound;
  const chain = memo.part(authorization, `public-chain\0${protocol}`, () => publicFilterChain(inbound));
  return memo.byIdentity(chain, `public\0${address}\0${port}`, () => sidecarPublicListener(address, port, chain));
}

function sidecarPublicListener(address: string, port: number, chain: EnvoyMessage): BuiltResource {
  const name = publicListenerName(address, port);
  return {
    name,
    resource: {
      name,
      address: socketAddress(address, port),
      traffic_direction: 'INBOUND',
      filter_chains: [chain],
    },
  };
}

function sidecarUpstreamListener(trustDomain: string, u: UpstreamSnapshot): BuiltResource {
  const name = upstreamListenerName(u.id, u.localBindAddress, u.localBindPort);
  const prefix = `upstream.${u.id}`;
  const cluster = clusterSni(trustDomain, u.destination);
  const filter = isHttpProtocol(u.protocol) ? hcmFilter(rdsHcm(statPrefix(prefix), u.id)) : tcpProxyFilter(statPrefix(prefix), cluster);
  return {
    name,
    resource: {
      name,
      address: socketAddress(u.localBindAddress, u.localBindPort),
      traffic_direction: 'OUTBOUND',
      filter_chains: [{ filters: [filter] }],
    },
  };
}

/** The API listener a gRPC client resolves `xds:///<upstream-id>` through. */
function grpcApiListener(id: string): BuiltResource {
  return {
    name: id,
    resource: { name: id, api_listener: { api_listener: typed(HCM_TYPE, rdsHcm(statPrefix(id), id)) } },
  };
}

/**
 * The listener gRPC's XdsServer asks for. gRPC matches no `filter_chain_match`
 * field but `transport_protocol`, so the chain has none; the route is a
 * non-forwarding one, as gRPC servers require. RBAC is left out when it would
 * allow everything, so services without GRPC_XDS_EXPERIMENTAL_RBAC still work.
 */
function grpcServerListener(instance: string, inbound: InboundSnapshot): BuiltResource {
  const name = grpcServerListenerName(inbound.address, inbound.port);
  const httpFilters = allowsEverything(inbound.authorization)
    ? [routerFilter()]
    : [httpRbacFilter(inbound.authorization), routerFilter()];
  return {
    name,
    resource: {
      name,
      address: socketAddress(inbound.address, inbound.port),
      filter_chains: [
        {
          transport_socket: grpcDownstreamTls(instance),
          filters: [
            hcmFilter({
              stat_prefix: 'inbound',
              route_config: {
                name: 'inbound',
                virtual_hosts: [
                  { name: 'inbound', domains: ['*'], routes: [{ match: { prefix: '' }, non_forwarding_action: {} }] },
                ],
              },
              http_filters: httpFilters,
            }),
          ],
        },
      ],
    },
  };
}

/**
 * Every listener of a proxy, sorted by name. An upstream listener is shared by
 * every proxy binding the same upstream the same way (see memo.ts); the
 * inbound listener is the proxy's own.
 */
export function buildListeners(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy': {
      const td = s.tls.trustDomain;
      const inbound = sidecarInboundListener(s.inbound, memo);
      const upstreams = s.upstreams.map((u) =>
        memo.byIdentity(u, `listener\0${td}`, () => sidecarUpstreamListener(td, u)),
      );
      return [inbound, ...upstreams].sort(byName);
    }
    case 'grpc-proxyless': {
      const out = s.upstreams.map((u) => memo.byIdentity(u, 'api', () => grpcApiListener(u.id)));
      const inbound = s.inbound;
      const instance = s.certificateProviderInstance;
      if (inbound) {
        out.push(grpcServerListener(instance, inbound));
      }
      return out.sort(byName);
    }
    default:
      return assertNever(s);
  }
}
