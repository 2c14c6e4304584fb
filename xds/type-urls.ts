/** Type URLs of the resources Switchboard serves, and the order ADS answers in. */

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ROUTE_TYPE = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** Every type URL the ADS server answers for. */
export type ResourceTypeUrl =
  | typeof LISTENER_TYPE
  | typeof CLUSTER_TYPE
  | typeof ROUTE_TYPE
  | typeof ENDPOINT_TYPE
  | typeof SECRET_TYPE;

/**
 * The order in which one change is pushed to a proxy. The order matters
 * (make-before-break): a cluster must exist before its endpoints, and both
 * before a listener or route that names them; secrets come first because
 * clusters and listeners refer to them by name. Removals of clusters and
 * endpoints go out after everything else.
 */
export const ADS_PUSH_ORDER = [SECRET_TYPE, CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE] as const;

/** Types whose wildcard subscription (no names, or `*`) means "everything for this proxy". */
export const WILDCARD_TYPES: ReadonlySet<string> = new Set([LISTENER_TYPE, CLUSTER_TYPE]);

/** The message's full protobuf name from a type URL (`envoy.config.cluster.v3.Cluster`). */
export function messageNameOf(typeUrl: string): string {
  const slash = typeUrl.lastIndexOf('/');
  return slash >= 0 ? typeUrl.slice(slash + 1) : typeUrl;
}

/** Short names used in logs, metrics and `/v1/xds/proxies`. */
export const TYPE_SHORT_NAMES: Readonly<Record<ResourceTypeUrl, string>> = {
  [LISTENER_TYPE]: 'listeners',
  [CLUSTER_TYPE]: 'clusters',
  [ROUTE_TYPE]: 'routes',
  [ENDPOINT_TYPE]: 'endpoints',
  [SECRET_TYPE]: 'secrets',
};

/** True when the string is one of the type URLs served. */
export function isResourceTypeUrl(typeUrl: string): typeUrl is ResourceTypeUrl {
  return Object.prototype.hasOwnProperty.call(TYPE_SHORT_NAMES, typeUrl);
}
