/**
 * The embedded backend: one SQLite file (or memory for tests and
 * `--dev-in-memory`). SQLite is the only state; reads go straight to it
 * through prepared statements, which is fast enough that no second copy in
 * memory is worth its consistency risk.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CatalogStore, CheckQuery } from './store.ts';
import { prepareDatabase } from './sqlite-schema.ts';
import { GroupCommit, type CommitStats } from './sqlite-group-commit.ts';
import type { TxnReads } from './sqlite-txn.ts';
import { WatchHub } from './watch-hub.ts';
import type {
  CatalogOp,
  ChangeEvent,
  CheckRecord,
  ConfigEntryRecord,
  KeyMaterialRecord,
  NodeRecord,
  ServiceRecord,
  WriteResult,
} from './types.ts';

interface Row {
  body: string;
  create_index: number;
  modify_index: number;
}
interface ServiceRow extends Row {
  node: string;
}

/** Where the store lives: a file path, or `:memory:`. */
export interface SqliteStoreOptions {
  path: string;
}

/** Opens (creating if needed) the SQLite store at `path`; `:memory:` for a throwaway store. */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteCatalogStore {
  const inMemory = opts.path === ':memory:';
  if (!inMemory) mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  try {
    prepareDatabase(db, inMemory);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteCatalogStore(db);
}

const toNode = (r: Row): NodeRecord => ({ ...JSON.parse(r.body), CreateIndex: r.create_index, ModifyIndex: r.modify_index });
const toService = (r: ServiceRow): ServiceRecord => ({
  Node: r.node,
  ...JSON.parse(r.body),
  CreateIndex: r.create_index,
  ModifyIndex: r.modify_index,
});
const toCheck = (r: Row): CheckRecord => ({ ...JSON.parse(r.body), CreateIndex: r.create_index, ModifyIndex: r.modify_index });

/** The SQLite implementation of CatalogStore. */
export class SqliteCatalogStore implements CatalogStore {
  private readonly hub = new WatchHub();
  /** topic → index, read through to SQLite and forgotten at every write. */
  private readonly topicIndexes = new Map<string, number>();
  private readonly stmt: Record<string, Statement>;
  private readonly writes: GroupCommit;
  private closed = false;

  constructor(private readonly db: Db) {
    const p = (sql: string): Statement => db.prepare(sql);
    const svcCols = 'node, body, create_index, modify_index';
    this.stmt = {
      index: p(`SELECT value FROM meta WHERE key = 'index'`),
      topic: p('SELECT idx FROM topics WHERE topic = ?'),
      node: p('SELECT body, create_index, modify_index FROM nodes WHERE name = ?'),
      nodes: p('SELECT body, create_index, modify_index FROM nodes ORDER BY name'),
      service: p(`SELECT ${svcCols} FROM services WHERE node = ? AND id = ?`),
      servicesOnNode: p(`SELECT ${svcCols} FROM services WHERE node = ? ORDER BY id`),
      serviceIdsOnNode: p('SELECT id FROM services WHERE node = ? ORDER BY id').pluck(),
      servicesByName: p(`SELECT ${svcCols} FROM services WHERE name = ? ORDER BY node, id`),
      servicesByConnect: p(`SELECT ${svcCols} FROM services WHERE connect_dest = ? ORDER BY node, id`),
      serviceNames: p(`SELECT name, body FROM services ORDER BY name`),
      check: p('SELECT body, create_index, modify_index FROM checks WHERE node = ? AND id = ?'),
      checksAll: p('SELECT body, create_index, modify_index FROM checks ORDER BY node, id'),
      checksByService: p('SELECT body, create_index, modify_index FROM checks WHERE node = ? AND service_id = ? ORDER BY id'),
      checksByNode: p('SELECT body, create_index, modify_index FROM checks WHERE node = ? ORDER BY id'),
      checksByServiceName: p('SELECT body, create_index, modify_index FROM checks WHERE service_name = ? ORDER BY node, id'),
      checksByStatus: p('SELECT body, create_index, modify_index FROM checks WHERE status = ? ORDER BY node, id'),
      configEntry: p('SELECT kind, name, body, create_index, modify_index FROM config_entries WHERE kind = ? AND name = ?'),
      configAll: p('SELECT kind, name, body, create_index, modify_index FROM config_entries ORDER BY kind, name'),
      configByKind: p('SELECT kind, name, body, create_index, modify_index FROM config_entries WHERE kind = ? ORDER BY name'),
      keyMaterial: p('SELECT value, modify_index FROM key_material WHERE key = ?'),
    };
    const reads: TxnReads = {
      currentIndex: () => this.currentIndex(),
      getNode: (n) => this.getNode(n),
      getService: (n, id) => this.getService(n, id),
      listServicesOnNode: (n) => this.listServicesOnNode(n),
      getCheck: (n, id) => this.getCheck(n, id),
      checksOnNode: (n) => this.listChecks({ node: n }),
      checksOfService: (n, id) => this.listChecks({ node: n, serviceId: id }),
      getConfigEntry: (k, n) => this.getConfigEntry(k, n),
      getKeyMaterial: (k) => this.getKeyMaterial(k),
    };
    this.writes = new GroupCommit(db, reads, {
      invalidate: () => this.topicIndexes.clear(),
      publish: (ev) => this.hub.publish(ev),
    });
  }

  currentIndex(): number {
    return (this.stmt.index!.get() as { value: number }).value;
  }

  topicIndex(topics: Iterable<string>): number {
    let max = 1;
    for (const t of topics) {
      // Read many times between two writes (every proxy rebuilt asks), so kept until the next write.
      let idx = this.topicIndexes.get(t);
      if (idx === undefined) {
        const row = this.stmt.topic!.get(t) as { idx: number } | undefined;
        this.topicIndexes.set(t, (idx = row?.idx ?? 0));
      }
      if (idx > max) max = idx;
    }
    return max;
  }

  /**
   * Writes arriving in the same turn of the event loop share one commit (one
   * fsync); each still gets its own index, result and change event, in call
   * order, once the commit is durable (see sqlite-group-commit.ts).
   */
  async apply(ops: readonly CatalogOp[]): Promise<WriteResult> {
    if (this.closed) throw new Error('store is closed');
    return this.writes.enqueue(ops);
  }

  /** How many commits carried how many writes since the store was opened. */
  commitStats(): CommitStats {
    return this.writes.commitStats();
  }

  subscribe(listener: (ev: ChangeEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  waitForChange(topics: readonly string[], afterIndex: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.topicIndex(topics) > afterIndex) return Promise.resolve(true);
    return this.hub.wait(topics, timeoutMs, signal);
  }

  /** Parked waiters (for tests and the benchmark). */
  waiterCount(): number {
    return this.hub.waiterCount();
  }

  getNode(name: string): NodeRecord | undefined {
    const r = this.stmt.node!.get(name) as Row | undefined;
    return r && toNode(r);
  }
  listNodes(): NodeRecord[] {
    return (this.stmt.nodes!.all() as Row[]).map(toNode);
  }
  getService(node: string, serviceId: string): ServiceRecord | undefined {
    const r = this.stmt.service!.get(node, serviceId) as ServiceRow | undefined;
    return r && toService(r);
  }
  listServicesOnNode(node: string): ServiceRecord[] {
    return (this.stmt.servicesOnNode!.all(node) as ServiceRow[]).map(toService);
  }
  listServiceIdsOnNode(node: string): string[] {
    return this.stmt.serviceIdsOnNode!.all(node) as string[];
  }
  listServiceInstances(serviceName: string): ServiceRecord[] {
    return (this.stmt.servicesByName!.all(serviceName) as ServiceRow[]).map(toService);
  }
  listConnectInstances(destination: string): ServiceRecord[] {
    return (this.stmt.servicesByConnect!.all(destination) as ServiceRow[]).map(toService);
  }
  listServiceNames(): Map<string, string[]> {
    const out = new Map<string, Set<string>>();
    for (const r of this.stmt.serviceNames!.all() as { name: string; body: string }[]) {
      let tags = out.get(r.name);
      if (!tags) out.set(r.name, (tags = new Set()));
      for (const t of (JSON.parse(r.body) as { Tags?: string[] }).Tags ?? []) tags.add(t);
    }
    return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
  }
  getCheck(node: string, checkId: string): CheckRecord | undefined {
    const r = this.stmt.check!.get(node, checkId) as Row | undefined;
    return r && toCheck(r);
  }
  listChecks(q: CheckQuery): CheckRecord[] {
    let rows: Row[];
    if (q.node !== undefined && q.serviceId !== undefined) rows = this.stmt.checksByService!.all(q.node, q.serviceId) as Row[];
    else if (q.node !== undefined) rows = this.stmt.checksByNode!.all(q.node) as Row[];
    else if (q.serviceName !== undefined) rows = this.stmt.checksByServiceName!.all(q.serviceName) as Row[];
    else if (q.status !== undefined) rows = this.stmt.checksByStatus!.all(q.status) as Row[];
    else rows = this.stmt.checksAll!.all() as Row[];
    return rows
      .map(toCheck)
      .filter(
        (c) =>
          (q.node === undefined || c.Node === q.node) &&
          (q.serviceId === undefined || c.ServiceID === q.serviceId) &&
          (q.serviceName === undefined || c.ServiceName === q.serviceName) &&
          (q.status === undefined || c.Status === q.status),
      );
  }

  getConfigEntry(kind: string, name: string): ConfigEntryRecord | undefined {
    const r = this.stmt.configEntry!.get(kind, name) as (Row & { kind: string; name: string }) | undefined;
    return r && toConfigEntry(r);
  }
  listConfigEntries(kind?: string): ConfigEntryRecord[] {
    const rows = (kind === undefined ? this.stmt.configAll!.all() : this.stmt.configByKind!.all(kind)) as (Row & {
      kind: string;
      name: string;
    })[];
    return rows.map(toConfigEntry);
  }

  getKeyMaterial(key: string): KeyMaterialRecord | undefined {
    const r = this.stmt.keyMaterial!.get(key) as { value: string; modify_index: number } | undefined;
    return r && { value: r.value, modifyIndex: r.modify_index };
  }

  /** The CA's persisted state (roots, keys, cluster id), if any. */
  getCAState(): KeyMaterialRecord | undefined {
    return this.getKeyMaterial('ca');
  }

  /** Replaces the CA state if its modify index is still `expectedModifyIndex` (0: only if absent). */
  async casCAState(value: string, expectedModifyIndex: number): Promise<boolean> {
    const r = await this.apply([{ op: 'casKeyMaterial', key: 'ca', value, expectedModifyIndex }]);
    return r.ok;
  }

  /** Commits the writes still queued (their callers hear back as usual), then closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writes.flush();
    this.db.close();
  }
}

function toConfigEntry(r: Row & { kind: string; name: string }): ConfigEntryRecord {
  return { Kind: r.kind, Name: r.name, Body: JSON.parse(r.body), CreateIndex: r.create_index, ModifyIndex: r.modify_index };
}
