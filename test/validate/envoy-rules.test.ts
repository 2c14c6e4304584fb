/** PGV rules as written in Envoy's own protos: each rule kind broken and satisfied on a real field. */
import { describe, expect, it } from 'vitest';
import { rulesBroken } from './helpers.ts';
import { makeCla, makeEdsCluster, makeHcm, makePublicListener, makeRoute, makeRouteConfig } from './fixtures.ts';

const SOCKET = 'envoy.config.core.v3.SocketAddress';
const CLUSTER = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const ROUTES = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

describe('string rules', () => {
  it('SocketAddress.address string.min_len 1: unset and empty fail, set passes', () => {
    expect(rulesBroken(SOCKET, { port_value: 80 })).toEqual(['address: string.min_len 1']);
    expect(rulesBroken(SOCKET, { address: '', port_value: 80 })).toEqual(['address: string.min_len 1']);
    expect(rulesBroken(SOCKET, { address: '10.0.0.1', port_value: 80 })).toEqual([]);
  });

  it('HeaderMatcher.name well_known_regex HTTP_HEADER_NAME (strict: false) refuses only CR, LF and NUL', () => {
    const HM = 'envoy.config.route.v3.HeaderMatcher';
    expect(rulesBroken(HM, { name: 'x-a\r\nb', present_match: true })).toEqual(['name: string.well_known_regex HTTP_HEADER_NAME (strict: false)']);
    expect(rulesBroken(HM, { name: 'x a', present_match: true })).toEqual([]);
    expect(rulesBroken(HM, { name: '', present_match: true })).toEqual(['name: string.min_len 1']);
  });

  it('HttpHealthCheck.host well_known_regex HTTP_HEADER_VALUE (strict by default) refuses control characters', () => {
    const HC = 'envoy.config.core.v3.HealthCheck.HttpHealthCheck';
    expect(rulesBroken(HC, { host: 'a\u0001b', path: '/h' })).toEqual(['host: string.well_known_regex HTTP_HEADER_VALUE']);
    expect(rulesBroken(HC, { host: 'a\tb é', path: '/h' })).toEqual([]);
  });

  it('override_auto_sni_header: ignore_empty skips the header-name rule for ""', () => {
    const UP = 'envoy.config.core.v3.UpstreamHttpProtocolOptions';
    expect(rulesBroken(UP, { override_auto_sni_header: '' })).toEqual([]);
    expect(rulesBroken(UP, { override_auto_sni_header: 'bad header' })).toEqual(['override_auto_sni_header: string.well_known_regex HTTP_HEADER_NAME']);
    expect(rulesBroken(UP, { override_auto_sni_header: ':authority' })).toEqual([]);
  });

  it('UpstreamTlsContext.sni string.max_bytes 255 counts UTF-8 bytes', () => {
    const UT = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
    expect(rulesBroken(UT, { sni: 'é'.repeat(128) })).toEqual(['sni: string.max_bytes 255']);
    expect(rulesBroken(UT, { sni: 'a'.repeat(255) })).toEqual([]);
  });

  it('SchemeHeaderTransformation.scheme_to_overwrite string.in [http, https] (a oneof member: only checked when set)', () => {
    const S = 'envoy.config.core.v3.SchemeHeaderTransformation';
    expect(rulesBroken(S, { scheme_to_overwrite: 'ftp' })).toEqual(['scheme_to_overwrite: string.in ["http", "https"]']);
    expect(rulesBroken(S, { scheme_to_overwrite: 'https' })).toEqual([]);
    expect(rulesBroken(S, {})).toEqual([]);
  });

  it('RouteMatch.path_separated_prefix string.pattern (RE2)', () => {
    const M = 'envoy.config.route.v3.RouteMatch';
    expect(rulesBroken(M, { path_separated_prefix: '/api/' })).toEqual(['path_separated_prefix: string.pattern "^[^?#]+[^?#/]$"']);
    expect(rulesBroken(M, { path_separated_prefix: '/api' })).toEqual([]);
  });

  it('Router.strict_check_headers repeated.items string.in', () => {
    const R = 'envoy.extensions.filters.http.router.v3.Router';
    expect(rulesBroken(R, { strict_check_headers: ['x-envoy-max-retries', 'x-other'] })).toEqual([
      'strict_check_headers[1]: string.in ["x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms", "x-envoy-max-retries", "x-envoy-retry-grpc-on", "x-envoy-retry-on"]',
    ]);
    expect(rulesBroken(R, { strict_check_headers: ['x-envoy-retry-on'] })).toEqual([]);
  });
});

describe('number rules', () => {
  it('SocketAddress.port_value uint32.lte 65535 (checked because the member is set)', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 65536 })).toEqual(['port_value: uint32.lte 65535']);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 65535 })).toEqual([]);
  });

  it('UInt32Value wrapper carries the inner rule: HCM.max_request_headers_kb uint32 {gt: 0, lte: 8192}', () => {
    const base = { stat_prefix: 's', rds: { route_config_name: 'r', config_source: { ads: {} } } };
    expect(rulesBroken(HCM, { ...base, max_request_headers_kb: { value: 0 } })).toEqual(['max_request_headers_kb: uint32.gt 0']);
    expect(rulesBroken(HCM, { ...base, max_request_headers_kb: {} })).toEqual(['max_request_headers_kb: uint32.gt 0']);
    expect(rulesBroken(HCM, { ...base, max_request_headers_kb: { value: 8193 } })).toEqual(['max_request_headers_kb: uint32.lte 8192']);
    expect(rulesBroken(HCM, { ...base, max_request_headers_kb: { value: 60 } })).toEqual([]);
    // An unset wrapper is not checked.
    expect(rulesBroken(HCM, base)).toEqual([]);
  });

  it('DoubleValue wrapper: PreconnectPolicy.per_upstream_preconnect_ratio double {gte: 1, lte: 3}', () => {
    const P = 'envoy.config.cluster.v3.Cluster.PreconnectPolicy';
    expect(rulesBroken(P, { per_upstream_preconnect_ratio: { value: 0.5 } })).toEqual(['per_upstream_preconnect_ratio: double.gte 1']);
    expect(rulesBroken(P, { per_upstream_preconnect_ratio: { value: 3.5 } })).toEqual(['per_upstream_preconnect_ratio: double.lte 3']);
    expect(rulesBroken(P, { per_upstream_preconnect_ratio: { value: 2 } })).toEqual([]);
  });

  it('Listener.max_connections_to_accept_per_socket_event (UInt32Value gt 0)', () => {
    const l = makePublicListener();
    expect(rulesBroken(LISTENER, { ...l, max_connections_to_accept_per_socket_event: { value: 0 } })).toEqual(['max_connections_to_accept_per_socket_event: uint32.gt 0']);
  });
});

describe('enum, bool, bytes rules', () => {
  it('SocketAddress.protocol enum.defined_only: an undefined number fails, names and defined numbers pass', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, protocol: 7 })).toEqual(['protocol: enum.defined_only']);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, protocol: 'UDP' })).toEqual([]);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, protocol: 1 })).toEqual([]);
  });

  it('HttpHealthCheck.method enum.not_in [6] (CONNECT)', () => {
    const HC = 'envoy.config.core.v3.HealthCheck.HttpHealthCheck';
    expect(rulesBroken(HC, { path: '/h', method: 'CONNECT' })).toEqual(['method: enum.not_in [6]']);
    expect(rulesBroken(HC, { path: '/h', method: 6 })).toEqual(['method: enum.not_in [6]']);
    expect(rulesBroken(HC, { path: '/h', method: 'GET' })).toEqual([]);
    expect(rulesBroken(HC, { path: '/h' })).toEqual([]);
  });

  it('ListenerFilterChainMatchPredicate.any_match bool.const true', () => {
    const P = 'envoy.config.listener.v3.ListenerFilterChainMatchPredicate';
    expect(rulesBroken(P, { any_match: false })).toEqual(['any_match: bool.const true']);
    expect(rulesBroken(P, { any_match: true })).toEqual([]);
  });

  it('HeaderValue.raw_value bytes {min_len: 0, max_len: 16384}', () => {
    const HV = 'envoy.config.core.v3.HeaderValue';
    expect(rulesBroken(HV, { key: 'k', raw_value: Buffer.alloc(16385).toString('base64') })).toEqual(['raw_value: bytes.max_len 16384']);
    expect(rulesBroken(HV, { key: 'k', raw_value: Buffer.from('ok') })).toEqual([]);
  });
});

describe('message, oneof, repeated, map, any, duration rules', () => {
  it('Cluster.connect_timeout duration.gt 0s; "5s" string form is accepted', () => {
    const c = makeEdsCluster('db');
    expect(rulesBroken(CLUSTER, { ...c, connect_timeout: { seconds: 0 } })).toEqual(['connect_timeout: duration.gt 0s']);
    expect(rulesBroken(CLUSTER, { ...c, connect_timeout: '-1s' })).toEqual(['connect_timeout: duration.gt 0s']);
    expect(rulesBroken(CLUSTER, { ...c, connect_timeout: { nanos: 1 } })).toEqual([]);
    expect(rulesBroken(CLUSTER, { ...c, connect_timeout: '0.25s' })).toEqual([]);
  });

  it('HealthCheck.timeout duration {required, gt 0} and message.required on HealthCheck.healthy_threshold', () => {
    const HC = 'envoy.config.core.v3.HealthCheck';
    const ok = { timeout: { seconds: 1 }, interval: { seconds: 5 }, unhealthy_threshold: { value: 2 }, healthy_threshold: { value: 2 }, tcp_health_check: {} };
    expect(rulesBroken(HC, ok)).toEqual([]);
    const { timeout: _t, healthy_threshold: _h, ...missing } = ok;
    expect(rulesBroken(HC, missing).sort()).toEqual(['healthy_threshold: message.required', 'timeout: duration.required']);
  });

  it('DownstreamTlsContext.session_timeout duration {gte 0, lt 4294967296s}', () => {
    const D = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
    expect(rulesBroken(D, { session_timeout: { seconds: 4294967296 } })).toEqual(['session_timeout: duration.lt 4294967296s']);
    expect(rulesBroken(D, { session_timeout: { seconds: -1 } })).toEqual(['session_timeout: duration.gte 0s']);
    expect(rulesBroken(D, { session_timeout: { seconds: 300 } })).toEqual([]);
  });

  it('Route.action oneof required; rules on fields of an unset message are not evaluated', () => {
    const rc = makeRouteConfig('r', [{ cluster: 'c' }]);
    const route = { match: { prefix: '/' } };
    (rc.virtual_hosts as { routes: unknown[] }[])[0]!.routes = [route];
    expect(rulesBroken(ROUTES, rc)).toEqual(['virtual_hosts[0].routes[0].action: oneof.required']);
  });

  it('VirtualHost.domains repeated.min_items 1 and items HTTP_HEADER_VALUE', () => {
    const rc = makeRouteConfig('r', [{ cluster: 'c' }]);
    const vh = (rc.virtual_hosts as Record<string, unknown>[])[0]!;
    vh.domains = [];
    expect(rulesBroken(ROUTES, rc)).toEqual(['virtual_hosts[0].domains: repeated.min_items 1']);
    delete vh.domains;
    expect(rulesBroken(ROUTES, rc)).toEqual(['virtual_hosts[0].domains: repeated.min_items 1']);
    vh.domains = ['a\nb'];
    expect(rulesBroken(ROUTES, rc)).toEqual(['virtual_hosts[0].domains[0]: string.well_known_regex HTTP_HEADER_VALUE (strict: false)']);
    vh.domains = ['web.example.com', '*'];
    expect(rulesBroken(ROUTES, rc)).toEqual([]);
  });

  it('WeightedCluster.clusters repeated.min_items 1', () => {
    const rc = makeRouteConfig('r', [{ weighted: [] }]);
    expect(rulesBroken(ROUTES, rc)).toEqual(['virtual_hosts[0].routes[0].route.weighted_clusters.clusters: repeated.min_items 1']);
    expect(rulesBroken(ROUTES, makeRouteConfig('r', [{ weighted: [['a', 1]] }]))).toEqual([]);
  });

  it('InternalRedirectPolicy.response_headers_to_copy repeated.unique', () => {
    const P = 'envoy.config.route.v3.InternalRedirectPolicy';
    expect(rulesBroken(P, { response_headers_to_copy: ['x-a', 'x-b', 'x-a'] })).toEqual(['response_headers_to_copy: repeated.unique']);
    expect(rulesBroken(P, { response_headers_to_copy: ['x-a', 'x-b'] })).toEqual([]);
  });

  it('HttpHealthCheck.request_headers_to_add repeated.max_items 1000', () => {
    const HC = 'envoy.config.core.v3.HealthCheck.HttpHealthCheck';
    const h = { header: { key: 'x-a', value: 'b' } };
    expect(rulesBroken(HC, { path: '/', method: 'GET', request_headers_to_add: Array(1001).fill(h) })).toEqual(['request_headers_to_add: repeated.max_items 1000']);
    expect(rulesBroken(HC, { path: '/', method: 'GET', request_headers_to_add: Array(1000).fill(h) })).toEqual([]);
  });

  it('Metadata.filter_metadata map.keys string.min_len 1', () => {
    const M = 'envoy.config.core.v3.Metadata';
    expect(rulesBroken(M, { filter_metadata: { '': { fields: {} } } })).toEqual(['filter_metadata[""]: string.min_len 1']);
    expect(rulesBroken(M, { filter_metadata: { 'envoy.lb': { fields: { canary: { boolValue: true } } } } })).toEqual([]);
  });

  it('TypedExtensionConfig.typed_config any.required', () => {
    const T = 'envoy.config.core.v3.TypedExtensionConfig';
    expect(rulesBroken(T, { name: 'x' })).toEqual(['typed_config: any.required']);
    expect(rulesBroken(T, { name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } })).toEqual([]);
  });

  it('Listener.address: rules inside the unset address are not evaluated; inside a set one they are', () => {
    const l = makePublicListener();
    expect(rulesBroken(LISTENER, { ...l, address: { socket_address: { port_value: 1 } } })).toEqual(['address.socket_address.address: string.min_len 1']);
    expect(rulesBroken(LISTENER, { ...l, address: { socket_address: { address: 'a' } } })).toEqual(['address.socket_address.port_specifier: oneof.required']);
  });

  it('a rule violated deep inside typed_config is reported with its full path', () => {
    const l = makePublicListener();
    const fc = (l.filter_chains as Record<string, unknown>[])[0]!;
    (fc.filters as Record<string, unknown>[])[0]!.typed_config = makeHcm('', { rds: 'r' });
    expect(rulesBroken(LISTENER, l)).toEqual(['filter_chains[0].filters[0].typed_config.stat_prefix: string.min_len 1']);
  });

  it('realistic resources pass', () => {
    expect(rulesBroken(CLUSTER, makeEdsCluster('db'))).toEqual([]);
    expect(rulesBroken('type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', makeCla('db', 5))).toEqual([]);
    expect(rulesBroken(ROUTES, { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [makeRoute('/', { cluster: 'c' })] }] })).toEqual([]);
  });
});
