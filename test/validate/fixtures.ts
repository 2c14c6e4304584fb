/** Small builders of realistic Envoy resources (keepCase plain objects) for the validator's tests and benchmark. */

const T = 'type.googleapis.com/';
export const HCM_TYPE = `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;
export const HTTP_RBAC_TYPE = `${T}envoy.extensions.filters.http.rbac.v3.RBAC`;
export const ROUTER_TYPE = `${T}envoy.extensions.filters.http.router.v3.Router`;
export const TCP_PROXY_TYPE = `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`;
export const DOWNSTREAM_TLS_TYPE = `${T}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`;
export const UPSTREAM_TLS_TYPE = `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`;
export const TLS_INSPECTOR_TYPE = `${T}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector`;

export const TRUST_DOMAIN = '11111111-2222-3333-4444-555555555555.consul';
const ADS = { ads: {}, resource_api_version: 'V3' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** SNI / cluster name of an upstream service, as Consul spells it. */
export function upstreamClusterName(service: string): string {
  return `${service}.default.dc1.internal.${TRUST_DOMAIN}`;
}

/** SDS reference served over ADS. */
export function makeSdsConfig(name: string): object {
  return { name, sds_config: ADS };
}

/** CommonTlsContext with the leaf and roots fetched over SDS. */
export function makeCommonTls(leaf: string, roots = 'roots'): Record<string, unknown> {
  return {
    tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
    tls_certificate_sds_secret_configs: [makeSdsConfig(leaf)],
    validation_context_sds_secret_config: makeSdsConfig(roots),
  };
}

/** RBAC HTTP filter allowing the listed source services (intentions as an ALLOW policy). */
export function makeRbacFilter(allowed: string[]): Record<string, unknown> {
  return {
    name: 'envoy.filters.http.rbac',
    typed_config: {
      '@type': HTTP_RBAC_TYPE,
      rules: {
        action: 'ALLOW',
        policies: {
          'consul-intentions-layer7-0': {
            permissions: [{ any: true }],
            principals: allowed.map((s) => ({
              authenticated: { principal_name: { safe_regex: { regex: `^spiffe://${TRUST_DOMAIN.replace(/\./g, '\\.')}/ns/default/dc/dc1/svc/${s}$` } } },
            })),
          },
        },
      },
    },
  };
}

/** HttpConnectionManager with either RDS (`rds` = route config name) or an inline route config. */
export function makeHcm(statPrefix: string, routes: { rds: string } | { inline: object }, extraFilters: object[] = []): Record<string, unknown> {
  return {
    '@type': HCM_TYPE,
    stat_prefix: statPrefix,
    codec_type: 'AUTO',
    ...('rds' in routes ? { rds: { route_config_name: routes.rds, config_source: ADS } } : { route_config: routes.inline }),
    http_filters: [...extraFilters, { name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } }],
    forward_client_cert_details: 'APPEND_FORWARD',
    set_current_client_cert_details: { subject: { value: true }, cert: true, chain: true, dns: true, uri: true },
    common_http_protocol_options: { idle_timeout: { seconds: 300 } },
    tracing: { random_sampling: { value: 1 } },
  };
}

/** Inbound listener: HCM + RBAC + router, mTLS via SDS, forwarding to local_app. */
export function makePublicListener(addr = '10.0.0.1', port = 21000): Record<string, unknown> {
  return {
    name: `public_listener:${addr}:${port}`,
    address: { socket_address: { address: addr, port_value: port } },
    traffic_direction: 'INBOUND',
    listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TLS_INSPECTOR_TYPE } }],
    filter_chains: [
      {
        filters: [{
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: makeHcm('public_listener', { inline: makeRouteConfig('public_listener', [{ cluster: 'local_app' }]) }, [makeRbacFilter(['web', 'api'])]),
        }],
        transport_socket: {
          name: 'tls',
          typed_config: { '@type': DOWNSTREAM_TLS_TYPE, common_tls_context: makeCommonTls('leaf'), require_client_certificate: { value: true } },
        },
      },
    ],
  };
}

/** Outbound listener for one upstream, routing through RDS. */
export function makeUpstreamListener(service: string, port: number): Record<string, unknown> {
  return {
    name: `${service}:127.0.0.1:${port}`,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    traffic_direction: 'OUTBOUND',
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: makeHcm(`upstream.${service}`, { rds: service }) }] }],
  };
}

/** TCP proxy listener for one upstream. */
export function makeTcpListener(service: string, port: number): Record<string, unknown> {
  return {
    name: `${service}:127.0.0.1:${port}`,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP_PROXY_TYPE, stat_prefix: `upstream.${service}`, cluster: upstreamClusterName(service) } }] }],
  };
}

/** EDS cluster with mTLS to the upstream (SNI = cluster name). */
export function makeEdsCluster(service: string): Record<string, unknown> {
  const name = upstreamClusterName(service);
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: ADS },
    connect_timeout: { seconds: 5 },
    circuit_breakers: { thresholds: [{ max_connections: { value: 1024 }, max_pending_requests: { value: 1024 } }] },
    outlier_detection: { consecutive_5xx: { value: 5 }, interval: { seconds: 10 } },
    transport_socket: {
      name: 'tls',
      typed_config: { '@type': UPSTREAM_TLS_TYPE, sni: name, common_tls_context: makeCommonTls('leaf') },
    },
  };
}

/** The local app cluster, a STATIC cluster with an inline assignment. */
export function makeLocalAppCluster(port = 8080): Record<string, unknown> {
  return {
    name: 'local_app',
    type: 'STATIC',
    connect_timeout: { seconds: 5 },
    load_assignment: { cluster_name: 'local_app', endpoints: [{ lb_endpoints: [makeLbEndpoint('127.0.0.1', port)] }] },
  };
}

/** One healthy endpoint. */
export function makeLbEndpoint(addr: string, port: number): Record<string, unknown> {
  return {
    endpoint: { address: { socket_address: { address: addr, port_value: port } } },
    health_status: 'HEALTHY',
    load_balancing_weight: { value: 1 },
  };
}

/** ClusterLoadAssignment with `n` endpoints 10.1.0.1.. on port 20000. */
export function makeCla(clusterName: string, n = 5): Record<string, unknown> {
  return {
    cluster_name: clusterName,
    endpoints: [{ lb_endpoints: Array.from({ length: n }, (_, i) => makeLbEndpoint(`10.1.0.${i + 1}`, 20000)) }],
  };
}

/** A route target: one cluster, or weighted clusters. */
export type RouteTarget = { cluster: string } | { weighted: [string, number][] };

/** RouteConfiguration with one virtual host and one route per target (prefix /r0, /r1, …; the last is "/"). */
export function makeRouteConfig(name: string, targets: RouteTarget[]): Record<string, unknown> {
  return {
    name,
    validate_clusters: { value: false },
    virtual_hosts: [{
      name,
      domains: ['*'],
      routes: targets.map((t, i) => makeRoute(i === targets.length - 1 ? '/' : `/r${i}`, t)),
    }],
  };
}

/** One route with a header match, a timeout and a retry policy. */
export function makeRoute(prefix: string, target: RouteTarget): Record<string, unknown> {
  const action = 'cluster' in target
    ? { cluster: target.cluster }
    : { weighted_clusters: { clusters: target.weighted.map(([name, weight]) => ({ name, weight: { value: weight } })) } };
  return {
    match: { prefix, headers: [{ name: 'x-debug', present_match: true, invert_match: true }] },
    route: { ...action, timeout: { seconds: 15 }, retry_policy: { retry_on: 'connect-failure', num_retries: { value: 2 } } },
  };
}

/** The proxy's leaf certificate secret. */
export function makeLeafSecret(name = 'leaf'): Record<string, unknown> {
  return { name, tls_certificate: { certificate_chain: { inline_string: PEM }, private_key: { inline_string: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n' } } };
}

/** The trust bundle secret. */
export function makeRootsSecret(name = 'roots'): Record<string, unknown> {
  return { name, validation_context: { trusted_ca: { inline_string: PEM } } };
}

/** A sidecar's full resource set: public listener, `upstreams` HTTP upstreams (listener, EDS cluster, CLA, routes), local_app, secrets. */
export function makeSidecarSet(upstreams = 2): {
  listeners: Record<string, unknown>[]; clusters: Record<string, unknown>[]; routes: Record<string, unknown>[];
  endpoints: Record<string, unknown>[]; secrets: Record<string, unknown>[];
} {
  const services = Array.from({ length: upstreams }, (_, i) => `svc${i}`);
  return {
    listeners: [makePublicListener(), ...services.map((s, i) => makeUpstreamListener(s, 9191 + i))],
    clusters: [makeLocalAppCluster(), ...services.map(makeEdsCluster)],
    routes: services.map((s) => makeRouteConfig(s, [{ cluster: upstreamClusterName(s) }])),
    endpoints: services.map((s) => makeCla(upstreamClusterName(s))),
    secrets: [makeLeafSecret(), makeRootsSecret()],
  };
}
