/**
 * Catalog records as the store keeps them. Field names follow Consul's JSON
 * (PascalCase) so the HTTP API, filters and Consul clients see the same shape
 * the store holds; the store adds CreateIndex/ModifyIndex to every record.
 */

/** A check's state; `critical` outranks `warning` outranks `passing`. */
export type HealthStatus = 'passing' | 'warning' | 'critical';
export const HEALTH_STATUSES: readonly HealthStatus[] = ['passing', 'warning', 'critical'];

/** The raft-like indexes every stored record carries. */
export interface Indexed {
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NodeInput {
  Node: string;
  ID?: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses?: Record<string, string>;
  Meta?: Record<string, string>;
}
export type NodeRecord = NodeInput & Indexed;

export interface Upstream {
  DestinationType?: string;
  DestinationName: string;
  DestinationNamespace?: string;
  Datacenter?: string;
  LocalBindAddress?: string;
  LocalBindPort?: number;
  Config?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface ProxyConfig {
  DestinationServiceName: string;
  DestinationServiceID?: string;
  LocalServiceAddress?: string;
  LocalServicePort?: number;
  Config?: Record<string, unknown>;
  Upstreams?: Upstream[];
  [extra: string]: unknown;
}

export type ServiceKind = '' | 'connect-proxy' | 'mesh-gateway' | 'ingress-gateway' | 'terminating-gateway';

export interface ServiceInput {
  ID: string;
  Service: string;
  Kind?: ServiceKind;
  Tags: string[];
  Address: string;
  Port: number;
  Meta: Record<string, string>;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride?: boolean;
  TaggedAddresses?: Record<string, { Address: string; Port: number }>;
  Proxy?: ProxyConfig;
  Connect?: { Native?: boolean };
}
/** A service instance: one registration of a service on a node. */
export type ServiceRecord = ServiceInput & { Node: string } & Indexed;

/** How a check is run; only the fields of its type are set. Durations are Go-style strings ("10s"). */
export interface CheckDefinition {
  Interval?: string;
  Timeout?: string;
  TTL?: string;
  HTTP?: string;
  Method?: string;
  Header?: Record<string, string[]>;
  Body?: string;
  TLSSkipVerify?: boolean;
  TCP?: string;
  GRPC?: string;
  GRPCUseTLS?: boolean;
  AliasService?: string;
  AliasNode?: string;
  DeregisterCriticalServiceAfter?: string;
  TLSServerName?: string;
  /** Consecutive successes before a check turns passing, failures before warning and critical. */
  SuccessBeforePassing?: number;
  FailuresBeforeWarning?: number;
  FailuresBeforeCritical?: number;
}

export interface CheckInput {
  Node: string;
  CheckID: string;
  Name: string;
  Status: HealthStatus;
  Notes: string;
  Output: string;
  /** Empty for a node-level check. */
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[];
  /** `ttl`, `http`, `tcp`, `grpc`, `alias`, `maintenance`, `serf` or '' (externally managed). */
  Type: string;
  Definition: CheckDefinition;
}
export type CheckRecord = CheckInput & Indexed;

/** A config entry: opaque JSON body validated by policy/, stored by kind and name. */
export interface ConfigEntryRecord extends Indexed {
  Kind: string;
  Name: string;
  Body: Record<string, unknown>;
}

/** A CA or other key-material value with its own modify index for compare-and-swap. */
export interface KeyMaterialRecord {
  value: string;
  modifyIndex: number;
}

/** One step of a write transaction. A transaction applies all its ops or none. */
export type CatalogOp =
  | { op: 'upsertNode'; node: NodeInput }
  | { op: 'deleteNode'; node: string }
  | { op: 'upsertService'; node: string; service: ServiceInput }
  | { op: 'deleteService'; node: string; serviceId: string }
  | { op: 'upsertCheck'; check: CheckInput }
  | { op: 'deleteCheck'; node: string; checkId: string }
  | { op: 'setCheckStatus'; node: string; checkId: string; status: HealthStatus; output?: string }
  | { op: 'setConfigEntry'; kind: string; name: string; body: Record<string, unknown>; casIndex?: number }
  | { op: 'deleteConfigEntry'; kind: string; name: string; casIndex?: number }
  | { op: 'casKeyMaterial'; key: string; value: string; expectedModifyIndex: number };

/** Why a transaction was refused; nothing of it was applied. */
export type WriteFailure =
  | { reason: 'cas-failed'; message: string }
  | { reason: 'not-found'; message: string }
  | { reason: 'invalid'; message: string };

export type WriteResult = ({ ok: true } | ({ ok: false } & WriteFailure)) & { index: number };

export type TableName = 'nodes' | 'services' | 'checks' | 'config' | 'ca';

/**
 * What one committed transaction touched. Consumers rebuild only what depends
 * on these: `services` holds every service name whose instances, checks, or
 * hosting node changed; `connect` every service name whose connect-capable
 * endpoints (sidecars pointing at it, or native instances) changed.
 */
export interface ChangeEvent {
  index: number;
  nodes: ReadonlySet<string>;
  services: ReadonlySet<string>;
  connect: ReadonlySet<string>;
  /** `kind/name` of each config entry written or deleted. */
  configEntries: ReadonlySet<string>;
  /** Key-material keys written. */
  keyMaterial: ReadonlySet<string>;
  ca: boolean;
  tables: ReadonlySet<TableName>;
}
