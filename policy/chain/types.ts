/**
 * The compiled discovery chain, shaped like the `Chain` field of Consul's
 * `/v1/discovery-chain/:service` response, so the HTTP API can return it as is.
 */
import type {
  ConfigEntry,
  ConfigEntrySet,
  LoadBalancer,
  MeshGatewayConfig,
  ResolverSubset,
  ServiceRoute,
  ServiceSplit,
} from '../config-entries/index.ts';

/** Where traffic ends up: one service (subset) in one namespace and datacenter. */
export interface DiscoveryTarget {
  /** `[<subset>.]<service>.<namespace>.<partition>.<datacenter>` */
  ID: string;
  Service: string;
  ServiceSubset?: string;
  Namespace: string;
  Partition: string;
  Datacenter: string;
  MeshGateway: MeshGatewayConfig;
  /** The resolver's subset definition: which instances (Filter) and how healthy (OnlyPassing). */
  Subset: ResolverSubset;
  /** Go duration, e.g. "5s". */
  ConnectTimeout: string;
  /** True when service-defaults ExternalSNI replaced the SNI. */
  External?: boolean;
  /** `[<subset>.]<service>.<namespace>.<datacenter>.internal.<trust-domain>`; absent without a trust domain. */
  SNI?: string;
  /** The cluster name: the SNI before any ExternalSNI, or the ID when there is no trust domain. */
  Name: string;
}

export interface DiscoveryRoute {
  /** The service-router route, with its Destination's Service, Namespace and Partition filled in. */
  Definition: ServiceRoute;
  NextNode: string;
}

export interface DiscoverySplit {
  /** The service-splitter split this came from (for flattened nested splitters, the innermost one). */
  Definition: ServiceSplit;
  /** Share of the traffic, in percent of the whole node (nested splitters multiplied out). */
  Weight: number;
  NextNode: string;
}

export interface DiscoveryResolver {
  /** Present (true) when no service-resolver exists for the service and defaults were used. */
  Default?: true;
  ConnectTimeout: string;
  RequestTimeout?: string;
  Target: string;
  /** Failover targets in order of preference. */
  Failover?: { Targets: string[] };
}

export interface RouterNode {
  Type: 'router';
  Name: string;
  Routes: DiscoveryRoute[];
}
export interface SplitterNode {
  Type: 'splitter';
  Name: string;
  Splits: DiscoverySplit[];
  /** The first hash-based load balancer among the split destinations, so affinity survives the split. */
  LoadBalancer?: LoadBalancer;
}
export interface ResolverNode {
  Type: 'resolver';
  Name: string;
  Resolver: DiscoveryResolver;
  LoadBalancer?: LoadBalancer;
}
export type DiscoveryGraphNode = RouterNode | SplitterNode | ResolverNode;

export interface CompiledDiscoveryChain {
  ServiceName: string;
  Namespace: string;
  Partition: string;
  Datacenter: string;
  /** Set when request overrides changed the result; proxies must not share such a chain's resources with the plain one. */
  CustomizationHash?: string;
  /** True when no router, splitter or resolver entry shaped the chain. */
  Default: boolean;
  Protocol: string;
  ServiceMeta?: Record<string, string>;
  StartNode: string;
  Nodes: Record<string, DiscoveryGraphNode>;
  Targets: Record<string, DiscoveryTarget>;
}

/** Per-upstream tweaks, named as in the POST body of `/v1/discovery-chain/:service`. */
export interface ChainOverrides {
  /** Go duration string, or nanoseconds as Go's time.Duration marshals. */
  OverrideConnectTimeout?: string | number;
  OverrideProtocol?: string;
  OverrideMeshGateway?: MeshGatewayConfig;
}

export interface CompileRequest {
  service: string;
  namespace?: string;
  datacenter: string;
  /** All config entries (validated); pass a ConfigEntrySet to share one index across many compilations. */
  entries: readonly ConfigEntry[] | ConfigEntrySet;
  trustDomain?: string;
  overrides?: ChainOverrides;
}

export type CompileResult = { ok: true; value: CompiledDiscoveryChain } | { ok: false; errors: string[] };
