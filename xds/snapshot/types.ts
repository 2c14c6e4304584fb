/**
 * ProxySnapshot: everything one proxy's configuration depends on, as pure data
 * (no Envoy types). Gathering fills it; the builders in xds/resources turn it
 * into resources. Same snapshot in, same resources out.
 */
import type { CompiledIntentionRules } from '../../policy/index.ts';

/** The proxy kinds Switchboard configures. Builders switch on this; the default case is an error. */
export type ProxyKind = 'connect-proxy' | 'grpc-proxyless';

/** L4 or an HTTP family protocol, as Consul's `Protocol` settings name them. */
export type Protocol = 'tcp' | 'http' | 'http2' | 'grpc';

/** True for the protocols Envoy terminates with an HTTP connection manager. */
export function isHttpProtocol(p: Protocol): boolean {
  return p === 'http' || p === 'http2' || p === 'grpc';
}

/** Health of one endpoint as Envoy understands it. */
export type EndpointHealth = 'HEALTHY' | 'UNHEALTHY';

/** One reachable instance of an upstream (its sidecar's address, or a native instance's). */
export interface EndpointSnapshot {
  address: string;
  port: number;
  health: EndpointHealth;
  /** Relative weight (Consul's `Weights.Passing` or `Weights.Warning`), at least 1. */
  weight: number;
}

/** The identity names derived from the trust domain: SNI and SPIFFE ID of a service. */
export interface ServiceIdentity {
  service: string;
  namespace: string;
  datacenter: string;
}

/** A failover target of a chain target: where its traffic goes when none of its own endpoints is healthy. */
export interface ChainFailoverSnapshot {
  /** The failover target's own name (SNI), used to label its endpoint group. */
  clusterName: string;
  /** Whose SPIFFE ID these endpoints present (the primary's cluster accepts it too). */
  destination: ServiceIdentity;
  endpoints: EndpointSnapshot[];
}

/** A resolver's load-balancing policy for one target's cluster (service-resolver `LoadBalancer`). */
export interface ChainLoadBalancer {
  policy: 'round_robin' | 'random' | 'least_request' | 'ring_hash' | 'maglev';
  ringHash?: { minimumRingSize?: number; maximumRingSize?: number };
  leastRequestChoiceCount?: number;
}

/** Where a chain route sends requests: one cluster (a service, or a subset of it) and its endpoints. */
export interface ChainTargetSnapshot {
  /** The cluster name (SNI): `[<subset>.]<service>.<ns>.<dc>.internal.<td>`. */
  clusterName: string;
  /** Whose SPIFFE ID its endpoints must present. */
  destination: ServiceIdentity;
  connectTimeoutMs: number;
  endpoints: EndpointSnapshot[];
  /** Failover targets in order of preference (absent = none). */
  failover?: ChainFailoverSnapshot[];
  /** Absent = round robin (the default). */
  loadBalancer?: ChainLoadBalancer;
}

/** Header rewrites (`RequestHeaders`/`ResponseHeaders`): Add appends, Set overwrites, Remove deletes; pairs sorted by name. */
export interface ChainHeaderMods {
  add: [string, string][];
  set: [string, string][];
  remove: string[];
}

/** One hash policy of a hash-based load balancer (service-resolver `LoadBalancer.HashPolicies`). */
export interface ChainHashPolicy {
  field?: 'header' | 'cookie' | 'query_parameter';
  fieldValue?: string;
  cookie?: { session?: boolean; ttlMs?: number; path?: string };
  sourceIp?: boolean;
  terminal?: boolean;
}

/** What a chain route does beyond choosing clusters; every field absent = nothing. */
export interface ChainRouteAction {
  timeoutMs?: number;
  idleTimeoutMs?: number;
  retry?: { numRetries?: number; onConnectFailure: boolean; on: string[]; statusCodes: number[] };
  prefixRewrite?: string;
  requestHeaders?: ChainHeaderMods;
  responseHeaders?: ChainHeaderMods;
  hashPolicies?: ChainHashPolicy[];
}

/** A query-parameter condition of a chain route (service-router `QueryParam`). */
export interface ChainQueryMatch {
  name: string;
  present?: boolean;
  exact?: string;
  regex?: string;
}

/** A header condition of a chain route (service-router `Header`). */
export interface ChainHeaderMatch {
  name: string;
  present?: boolean;
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
  invert?: boolean;
}

/** One route of a compiled discovery chain: a match and where matching requests go, by weight. */
export interface ChainRouteSnapshot {
  match: { pathExact?: string; pathPrefix?: string; pathRegex?: string; headers: ChainHeaderMatch[]; methods: string[]; queryParams?: ChainQueryMatch[] };
  /** Weights in hundredths of a percent (10000 = all); only non-zero weights. */
  splits: { clusterName: string; weight: number; requestHeaders?: ChainHeaderMods; responseHeaders?: ChainHeaderMods }[];
  /** Timeouts, retries, rewrites, hash policies (absent = none). */
  action?: ChainRouteAction;
}

/**
 * The routing rules of an HTTP-family upstream when service-router,
 * service-splitter or service-resolver entries shape it (absent for the
 * default chain, whose one target is the upstream's destination).
 */
export interface UpstreamChain {
  routes: ChainRouteSnapshot[];
  /** Every target a route reaches, sorted by cluster name. */
  targets: ChainTargetSnapshot[];
}

/** One upstream a proxy talks to. */
export interface UpstreamSnapshot {
  /** Consul's upstream ID: the destination name (listener and route names use it). */
  id: string;
  destination: ServiceIdentity;
  protocol: Protocol;
  /** Where the sidecar listens for the app (Envoy flavour only). */
  localBindAddress: string;
  localBindPort: number;
  connectTimeoutMs: number;
  endpoints: EndpointSnapshot[];
  /** Routing from config entries; when present, its targets replace the destination's single cluster. */
  chain?: UpstreamChain;
}

/**
 * Authorization of inbound connections: the default policy plus the
 * intentions governing this service, flattened by policy's
 * `compileIntentions` (with the same `defaultAllow` and the inbound protocol).
 */
export interface InboundAuthorization {
  /** What happens when no intention matches. */
  defaultAllow: boolean;
  /** The non-default decisions (allows when defaultAllow is false, denies when true); absent = none. */
  rules?: CompiledIntentionRules;
}

/** The public side of a proxy: where it accepts mTLS and which local app it fronts. */
export interface InboundSnapshot {
  address: string;
  port: number;
  protocol: Protocol;
  /** The application the proxy forwards to (Envoy flavour). */
  localAppAddress: string;
  localAppPort: number;
  authorization: InboundAuthorization;
}

/** Certificates and trust, by reference. PEMs travel in secrets (Envoy) or files (gRPC). */
export interface TlsSnapshot {
  trustDomain: string;
  /** Trusted root certificates, PEM, active first. */
  rootsPEM: string[];
  leafCertPEM: string;
  leafKeyPEM: string;
}

interface SnapshotBase {
  /** Envoy's node.id: the proxy's registered service ID. */
  proxyId: string;
  /** The service this proxy represents. */
  identity: ServiceIdentity;
  tls: TlsSnapshot;
  upstreams: UpstreamSnapshot[];
}

/** A sidecar Envoy in front of one service instance. */
export interface ConnectProxySnapshot extends SnapshotBase {
  kind: 'connect-proxy';
  inbound: InboundSnapshot;
}

/** A Connect-native service using gRPC's own xDS client and server. */
export interface GrpcProxylessSnapshot extends SnapshotBase {
  kind: 'grpc-proxyless';
  /** The server side, when the service serves (its own address and port). */
  inbound?: InboundSnapshot;
  /** Certificate provider instance name in the gRPC bootstrap. */
  certificateProviderInstance: string;
}

/** Union on the proxy's kind. */
export type ProxySnapshot = ConnectProxySnapshot | GrpcProxylessSnapshot;

/** Compile-time exhaustiveness: reaching this is a bug. */
export function assertNever(value: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(value)}`);
}
