/**
 * The state store interface. Backends: SQLite (embedded, default) and later
 * etcd. The contract is the one etcd offers natively: every write is a
 * transaction stamped with a new global revision (`index`); each record keeps
 * CreateIndex/ModifyIndex; a transaction can compare-and-swap; readers can
 * watch for changes after a revision. Reads are synchronous because each
 * backend serves them from local state (SQLite file, or an etcd-fed mirror).
 */
import type {
  CatalogOp,
  ChangeEvent,
  CheckRecord,
  ConfigEntryRecord,
  HealthStatus,
  KeyMaterialRecord,
  NodeRecord,
  ServiceRecord,
  WriteResult,
} from './types.ts';

/** Which checks to list; all given conditions must hold. */
export interface CheckQuery {
  node?: string;
  serviceId?: string;
  serviceName?: string;
  status?: HealthStatus;
}

export interface CatalogStore {
  /** The index of the last committed write (at least 1). */
  currentIndex(): number;
  /** The highest index at which any of `topics` changed (at least 1). */
  topicIndex(topics: Iterable<string>): number;

  /** Applies all ops atomically under one new index, or none of them. Resolves once durable. */
  apply(ops: readonly CatalogOp[]): Promise<WriteResult>;
  /**
   * Hears every committed change, in index order; returns the unsubscribe
   * function. Writes committed together (SQLite's group commit) are heard
   * one by one after the commit, so a listener may already read later ones.
   */
  subscribe(listener: (ev: ChangeEvent) => void): () => void;
  /**
   * Resolves true as soon as one of `topics` changes past `afterIndex` (at
   * once if it already has), false on timeout or abort.
   */
  waitForChange(topics: readonly string[], afterIndex: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;

  getNode(name: string): NodeRecord | undefined;
  listNodes(): NodeRecord[];
  getService(node: string, serviceId: string): ServiceRecord | undefined;
  listServicesOnNode(node: string): ServiceRecord[];
  /** The IDs of the services on a node, ordered (no records read: cheap enough to call on every write). */
  listServiceIdsOnNode(node: string): string[];
  /** Instances of a service by name, ordered by node then ID. */
  listServiceInstances(serviceName: string): ServiceRecord[];
  /** Connect-capable instances for a destination: sidecar proxies pointing at it and native instances. */
  listConnectInstances(destination: string): ServiceRecord[];
  /** Every service name with the union of its instances' tags. */
  listServiceNames(): Map<string, string[]>;
  getCheck(node: string, checkId: string): CheckRecord | undefined;
  listChecks(query: CheckQuery): CheckRecord[];

  getConfigEntry(kind: string, name: string): ConfigEntryRecord | undefined;
  listConfigEntries(kind?: string): ConfigEntryRecord[];

  getKeyMaterial(key: string): KeyMaterialRecord | undefined;
  /** The CA's persisted state (roots, keys, cluster id), if any. */
  getCAState(): KeyMaterialRecord | undefined;
  /** Replaces the CA state if its modify index is still `expectedModifyIndex` (0: only if absent). */
  casCAState(value: string, expectedModifyIndex: number): Promise<boolean>;

  close(): void;
}
