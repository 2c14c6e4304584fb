/**
 * Config entries as the API accepts and stores them: Consul's JSON shape (PascalCase keys).
 * These are the normalised forms `validateConfigEntry` returns; durations are Go duration
 * strings in canonical form ("5s", "1m30s"), protocols lower-case.
 */

export type ConfigEntryKind = 'proxy-defaults' | 'service-defaults' | 'service-router' | 'service-splitter' | 'service-resolver';
export const CONFIG_ENTRY_KINDS: readonly ConfigEntryKind[] = [
  'proxy-defaults',
  'service-defaults',
  'service-router',
  'service-splitter',
  'service-resolver',
];

/** Protocols a service can declare; only the last three allow routers and splitters. */
export type ServiceProtocol = 'tcp' | 'http' | 'http2' | 'grpc';
export const SERVICE_PROTOCOLS: readonly ServiceProtocol[] = ['tcp', 'http', 'http2', 'grpc'];
export const L7_PROTOCOLS: readonly ServiceProtocol[] = ['http', 'http2', 'grpc'];

export type MeshGatewayMode = '' | 'none' | 'local' | 'remote';
export interface MeshGatewayConfig {
  Mode?: MeshGatewayMode;
}

/** Fields every entry may carry. */
interface EntryCommon {
  Name: string;
  Namespace?: string;
  Partition?: string;
  Meta?: Record<string, string>;
}

export interface ExposePath {
  ListenerPort?: number;
  Path?: string;
  LocalPathPort?: number;
  Protocol?: 'http' | 'http2';
}
export interface ExposeConfig {
  Checks?: boolean;
  Paths?: ExposePath[];
}
export interface TransparentProxyConfig {
  OutboundListenerPort?: number;
  DialedDirectly?: boolean;
}

export interface ProxyDefaultsEntry extends EntryCommon {
  Kind: 'proxy-defaults';
  /** Opaque proxy configuration; `protocol` is the one key the mesh reads. */
  Config?: Record<string, unknown>;
  Mode?: '' | 'direct' | 'transparent';
  TransparentProxy?: TransparentProxyConfig;
  MeshGateway?: MeshGatewayConfig;
  Expose?: ExposeConfig;
}

export interface UpstreamLimits {
  MaxConnections?: number;
  MaxPendingRequests?: number;
  MaxConcurrentRequests?: number;
}
export interface PassiveHealthCheck {
  Interval?: string;
  MaxFailures?: number;
  EnforcingConsecutive5xx?: number;
}
export interface UpstreamConfigValues {
  ConnectTimeoutMs?: number;
  Protocol?: ServiceProtocol;
  Limits?: UpstreamLimits;
  PassiveHealthCheck?: PassiveHealthCheck;
  MeshGateway?: MeshGatewayConfig;
  BalanceOutboundConnections?: '' | 'exact_balance';
}
export interface UpstreamOverride extends UpstreamConfigValues {
  Name: string;
  Namespace?: string;
}
export interface UpstreamConfiguration {
  Defaults?: UpstreamConfigValues;
  Overrides?: UpstreamOverride[];
}

export interface ServiceDefaultsEntry extends EntryCommon {
  Kind: 'service-defaults';
  Protocol?: ServiceProtocol;
  Mode?: '' | 'direct' | 'transparent';
  TransparentProxy?: TransparentProxyConfig;
  MeshGateway?: MeshGatewayConfig;
  Expose?: ExposeConfig;
  ExternalSNI?: string;
  UpstreamConfig?: UpstreamConfiguration;
  MaxInboundConnections?: number;
  LocalConnectTimeoutMs?: number;
  LocalRequestTimeoutMs?: number;
  BalanceInboundConnections?: '' | 'exact_balance';
}

export interface HeaderModifiers {
  Add?: Record<string, string>;
  Set?: Record<string, string>;
  Remove?: string[];
}

export interface HeaderMatch {
  Name: string;
  Present?: boolean;
  Exact?: string;
  Prefix?: string;
  Suffix?: string;
  Regex?: string;
  Invert?: boolean;
}
export interface QueryParamMatch {
  Name: string;
  Present?: boolean;
  Exact?: string;
  Regex?: string;
}
export interface HttpRouteMatch {
  PathExact?: string;
  PathPrefix?: string;
  PathRegex?: string;
  Header?: HeaderMatch[];
  QueryParam?: QueryParamMatch[];
  Methods?: string[];
}
export interface RouteMatch {
  HTTP?: HttpRouteMatch;
}
export interface RouteDestination {
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Partition?: string;
  PrefixRewrite?: string;
  RequestTimeout?: string;
  IdleTimeout?: string;
  NumRetries?: number;
  RetryOnConnectFailure?: boolean;
  RetryOn?: string[];
  RetryOnStatusCodes?: number[];
  RequestHeaders?: HeaderModifiers;
  ResponseHeaders?: HeaderModifiers;
}
export interface ServiceRoute {
  Match?: RouteMatch;
  Destination?: RouteDestination;
}
export interface ServiceRouterEntry extends EntryCommon {
  Kind: 'service-router';
  Routes?: ServiceRoute[];
}

export interface ServiceSplit {
  Weight: number;
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Partition?: string;
  RequestHeaders?: HeaderModifiers;
  ResponseHeaders?: HeaderModifiers;
}
export interface ServiceSplitterEntry extends EntryCommon {
  Kind: 'service-splitter';
  Splits: ServiceSplit[];
}

export interface ResolverSubset {
  Filter?: string;
  OnlyPassing?: boolean;
}
export interface ResolverRedirect {
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Partition?: string;
  Datacenter?: string;
}
export interface FailoverTarget {
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Partition?: string;
  Datacenter?: string;
}
export interface ResolverFailover {
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Datacenters?: string[];
  Targets?: FailoverTarget[];
}
export type LoadBalancerPolicy = '' | 'random' | 'round_robin' | 'least_request' | 'ring_hash' | 'maglev';
export const LOAD_BALANCER_POLICIES: readonly LoadBalancerPolicy[] = ['random', 'round_robin', 'least_request', 'ring_hash', 'maglev'];
export interface CookieConfig {
  Session?: boolean;
  TTL?: string;
  Path?: string;
}
export interface HashPolicy {
  Field?: 'header' | 'cookie' | 'query_parameter';
  FieldValue?: string;
  CookieConfig?: CookieConfig;
  SourceIP?: boolean;
  Terminal?: boolean;
}
export interface LoadBalancer {
  Policy?: LoadBalancerPolicy;
  RingHashConfig?: { MinimumRingSize?: number; MaximumRingSize?: number };
  LeastRequestConfig?: { ChoiceCount?: number };
  HashPolicies?: HashPolicy[];
}
export interface ServiceResolverEntry extends EntryCommon {
  Kind: 'service-resolver';
  DefaultSubset?: string;
  Subsets?: Record<string, ResolverSubset>;
  Redirect?: ResolverRedirect;
  Failover?: Record<string, ResolverFailover>;
  ConnectTimeout?: string;
  RequestTimeout?: string;
  LoadBalancer?: LoadBalancer;
}

export type ConfigEntry = ProxyDefaultsEntry | ServiceDefaultsEntry | ServiceRouterEntry | ServiceSplitterEntry | ServiceResolverEntry;

/** Result of a validation: the normalised value, or every problem found (each message names the entry and field). */
export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };
