/**
 * Small constructors shared by the resource builders. Everything here returns
 * plain objects in protobufjs's keepCase JSON form (`@type` for Any), which
 * the cache encodes with Envoy's protos.
 */

/** A message in keepCase object form. */
export type EnvoyMessage = { [field: string]: unknown };

/** One built resource: its name and its message. */
export interface BuiltResource {
  name: string;
  resource: EnvoyMessage;
}

/** Something a builder could not do, reported instead of thrown. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  resource: string;
  message: string;
}

/** Wraps a message as a google.protobuf.Any of the given full type name. */
export function typed(messageName: string, body: EnvoyMessage): EnvoyMessage {
  return { '@type': `type.googleapis.com/${messageName}`, ...body };
}

/** A google.protobuf.Duration from milliseconds. */
export function durationMs(ms: number): EnvoyMessage {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** A config source that says "over the same ADS stream, v3". */
export function adsConfigSource(): EnvoyMessage {
  return ADS_CONFIG_SOURCE;
}

/** One object for every reference (never changed): tens of thousands of resources carry it. */
const ADS_CONFIG_SOURCE: EnvoyMessage = { ads: {}, resource_api_version: 'V3' };

/** An SDS reference to a secret delivered over ADS. */
export function sdsSecret(name: string): EnvoyMessage {
  return { name, sds_config: adsConfigSource() };
}

/** A socket address. */
export function socketAddress(address: string, port: number): EnvoyMessage {
  return { socket_address: { address, port_value: port } };
}

/** Sorts built resources by name (builders' output is always sorted). */
export function byName(a: BuiltResource, b: BuiltResource): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Sorted by name, each name once. Several upstreams can share a destination
 * (a proxyless client dialling both `xds:///api` and `xds:///api:8080`); they
 * share its cluster, built identically from the same destination.
 */
export function uniqueByName(resources: BuiltResource[]): BuiltResource[] {
  return resources.sort(byName).filter((r, i, all) => i === 0 || all[i - 1]!.name !== r.name);
}

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';
export const HTTP_RBAC_TYPE = 'envoy.extensions.filters.http.rbac.v3.RBAC';
export const NETWORK_RBAC_TYPE = 'envoy.extensions.filters.network.rbac.v3.RBAC';
export const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
export const UPSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
export const HTTP_PROTOCOL_OPTIONS_TYPE = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** The router filter, which must be last in every HTTP filter chain. */
export function routerFilter(): EnvoyMessage {
  return { name: 'envoy.filters.http.router', typed_config: typed(ROUTER_TYPE, {}) };
}

/** Makes a stat prefix out of a name (Envoy stat names avoid ':' and '.'). */
export function statPrefix(name: string): string {
  return name.replace(/[:.]/g, '_');
}
