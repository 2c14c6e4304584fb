/**
 * One write transaction against SQLite: checks preconditions (existence,
 * compare-and-swap), writes rows stamped with the next index, records which
 * topics changed, and returns the change event. It runs inside
 * better-sqlite3's transaction wrapper, so a thrown TxnAbort rolls back every
 * row it wrote. Writes that change nothing do not bump any index.
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import { topicsOfEvent } from './topics.ts';
import type {
  CatalogOp,
  ChangeEvent,
  CheckInput,
  CheckRecord,
  ConfigEntryRecord,
  KeyMaterialRecord,
  NodeRecord,
  ServiceInput,
  ServiceRecord,
  TableName,
  WriteFailure,
} from './types.ts';

const statements = new WeakMap<Db, Map<string, Statement>>();
/** A prepared statement, compiled once per connection. */
function prepared(db: Db, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** Aborts the transaction; nothing it wrote is kept. */
export class TxnAbort extends Error {
  constructor(
    readonly reason: WriteFailure['reason'],
    message: string,
  ) {
    super(message);
  }
}

/** The reads a transaction needs (they see its own earlier writes). */
export interface TxnReads {
  currentIndex(): number;
  getNode(name: string): NodeRecord | undefined;
  getService(node: string, id: string): ServiceRecord | undefined;
  listServicesOnNode(node: string): ServiceRecord[];
  getCheck(node: string, id: string): CheckRecord | undefined;
  checksOnNode(node: string): CheckRecord[];
  checksOfService(node: string, serviceId: string): CheckRecord[];
  getConfigEntry(kind: string, name: string): ConfigEntryRecord | undefined;
  getKeyMaterial(key: string): KeyMaterialRecord | undefined;
}

class Touched {
  nodes = new Set<string>();
  services = new Set<string>();
  connect = new Set<string>();
  configEntries = new Set<string>();
  keyMaterial = new Set<string>();
  tables = new Set<TableName>();
  ca = false;
  get empty(): boolean {
    return this.tables.size === 0 && this.keyMaterial.size === 0;
  }
  /** A service instance changed: its name, and what it is a connect endpoint for. */
  service(s: ServiceInput): void {
    this.services.add(s.Service);
    if (s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceName) this.connect.add(s.Proxy.DestinationServiceName);
    if (s.Connect?.Native) this.connect.add(s.Service);
  }
}

/** The column a connect query selects on: the destination a proxy fronts, or a native service's own name. */
function connectDest(s: ServiceInput): string | null {
  if (s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceName) return s.Proxy.DestinationServiceName;
  if (s.Connect?.Native) return s.Service;
  return null;
}

const strip = <T extends object>(r: T): Omit<T, 'CreateIndex' | 'ModifyIndex'> => {
  const { CreateIndex: _c, ModifyIndex: _m, ...rest } = r as T & { CreateIndex?: number; ModifyIndex?: number };
  return rest;
};
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Applies `ops` with the next index; returns the change event, or undefined when nothing changed. */
export function runTransaction(db: Db, reads: TxnReads, ops: readonly CatalogOp[]): ChangeEvent | undefined {
  const idx = reads.currentIndex() + 1;
  const t = new Touched();
  const run = (sql: string, ...args: unknown[]): void => {
    prepared(db, sql).run(...args);
  };

  const nodeTouched = (node: string): void => {
    t.nodes.add(node);
    // A node's record and node-level checks are part of every instance's health on it.
    for (const s of reads.listServicesOnNode(node)) t.service(s);
  };
  const writeCheck = (c: CheckInput, existing: CheckRecord | undefined): void => {
    run(
      `INSERT INTO checks (node, id, service_id, service_name, status, body, create_index, modify_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (node, id) DO UPDATE SET service_id = excluded.service_id, service_name = excluded.service_name,
         status = excluded.status, body = excluded.body, modify_index = excluded.modify_index`,
      c.Node, c.CheckID, c.ServiceID, c.ServiceName, c.Status, JSON.stringify(c), existing?.CreateIndex ?? idx, idx,
    );
    t.tables.add('checks');
    if (c.ServiceID) {
      t.nodes.add(c.Node);
      const svc = reads.getService(c.Node, c.ServiceID);
      if (svc) t.service(svc);
    } else {
      nodeTouched(c.Node);
    }
  };
  const deleteServiceRows = (svc: ServiceRecord): void => {
    for (const c of reads.checksOfService(svc.Node, svc.ID)) {
      run('DELETE FROM checks WHERE node = ? AND id = ?', svc.Node, c.CheckID);
      t.tables.add('checks');
    }
    run('DELETE FROM services WHERE node = ? AND id = ?', svc.Node, svc.ID);
    t.tables.add('services');
    t.nodes.add(svc.Node);
    t.service(svc);
  };
  const cas = (what: string, current: number | undefined, expected: number | undefined): void => {
    if (expected === undefined) return;
    if ((current ?? 0) !== expected) {
      throw new TxnAbort('cas-failed', `${what}: expected modify index ${expected}, found ${current ?? 0}`);
    }
  };

  for (const op of ops) {
    switch (op.op) {
      case 'upsertNode': {
        const existing = reads.getNode(op.node.Node);
        if (existing && same(strip(existing), op.node)) break;
        run(
          `INSERT INTO nodes (name, body, create_index, modify_index) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET body = excluded.body, modify_index = excluded.modify_index`,
          op.node.Node, JSON.stringify(op.node), existing?.CreateIndex ?? idx, idx,
        );
        t.tables.add('nodes');
        nodeTouched(op.node.Node);
        break;
      }
      case 'deleteNode': {
        if (!reads.getNode(op.node)) break;
        nodeTouched(op.node);
        for (const s of reads.listServicesOnNode(op.node)) deleteServiceRows(s);
        if (reads.checksOnNode(op.node).length > 0) t.tables.add('checks');
        run('DELETE FROM checks WHERE node = ?', op.node);
        run('DELETE FROM nodes WHERE name = ?', op.node);
        t.tables.add('nodes');
        break;
      }
      case 'upsertService': {
        if (!reads.getNode(op.node)) throw new TxnAbort('not-found', `Node "${op.node}" is not registered`);
        const existing = reads.getService(op.node, op.service.ID);
        if (existing && same(strip(existing), { Node: op.node, ...op.service })) break;
        if (existing) t.service(existing);
        run(
          `INSERT INTO services (node, id, name, connect_dest, body, create_index, modify_index) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (node, id) DO UPDATE SET name = excluded.name, connect_dest = excluded.connect_dest,
             body = excluded.body, modify_index = excluded.modify_index`,
          op.node, op.service.ID, op.service.Service, connectDest(op.service), JSON.stringify(op.service),
          existing?.CreateIndex ?? idx, idx,
        );
        t.tables.add('services');
        t.nodes.add(op.node);
        t.service(op.service);
        break;
      }
      case 'deleteService': {
        const existing = reads.getService(op.node, op.serviceId);
        if (existing) deleteServiceRows(existing);
        break;
      }
      case 'upsertCheck': {
        const c = op.check;
        if (!reads.getNode(c.Node)) throw new TxnAbort('not-found', `Node "${c.Node}" is not registered`);
        let check = c;
        if (c.ServiceID) {
          const svc = reads.getService(c.Node, c.ServiceID);
          if (!svc) throw new TxnAbort('not-found', `ServiceID "${c.ServiceID}" is not registered on node "${c.Node}"`);
          check = { ...c, ServiceName: svc.Service, ServiceTags: svc.Tags };
        } else {
          check = { ...c, ServiceName: '', ServiceTags: [] };
        }
        const existing = reads.getCheck(c.Node, c.CheckID);
        if (existing && same(strip(existing), check)) break;
        if (existing && existing.ServiceID !== check.ServiceID) {
          // The check moved: the instance it left changed too.
          const old = existing.ServiceID ? reads.getService(c.Node, existing.ServiceID) : undefined;
          if (old) t.service(old);
          else nodeTouched(c.Node);
        }
        writeCheck(check, existing);
        break;
      }
      case 'deleteCheck': {
        const existing = reads.getCheck(op.node, op.checkId);
        if (!existing) break;
        // Touch before deleting so a node-level check's services are still found.
        writeCheck(existing, existing);
        run('DELETE FROM checks WHERE node = ? AND id = ?', op.node, op.checkId);
        break;
      }
      case 'setCheckStatus': {
        const existing = reads.getCheck(op.node, op.checkId);
        if (!existing) throw new TxnAbort('not-found', `Check "${op.checkId}" is not registered on node "${op.node}"`);
        const output = op.output ?? existing.Output;
        if (existing.Status === op.status && existing.Output === output) break;
        writeCheck({ ...strip(existing), Status: op.status, Output: output }, existing);
        break;
      }
      case 'setConfigEntry': {
        const existing = reads.getConfigEntry(op.kind, op.name);
        cas(`config entry ${op.kind}/${op.name}`, existing?.ModifyIndex, op.casIndex);
        if (existing && same(existing.Body, op.body)) break;
        run(
          `INSERT INTO config_entries (kind, name, body, create_index, modify_index) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, modify_index = excluded.modify_index`,
          op.kind, op.name, JSON.stringify(op.body), existing?.CreateIndex ?? idx, idx,
        );
        t.tables.add('config');
        t.configEntries.add(`${op.kind}/${op.name}`);
        break;
      }
      case 'deleteConfigEntry': {
        const existing = reads.getConfigEntry(op.kind, op.name);
        cas(`config entry ${op.kind}/${op.name}`, existing?.ModifyIndex, op.casIndex);
        if (!existing) break;
        run('DELETE FROM config_entries WHERE kind = ? AND name = ?', op.kind, op.name);
        t.tables.add('config');
        t.configEntries.add(`${op.kind}/${op.name}`);
        break;
      }
      case 'casKeyMaterial': {
        const existing = reads.getKeyMaterial(op.key);
        cas(`key material ${op.key}`, existing?.modifyIndex, op.expectedModifyIndex);
        run(
          `INSERT INTO key_material (key, value, create_index, modify_index) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, modify_index = excluded.modify_index`,
          op.key, op.value, idx, idx,
        );
        t.keyMaterial.add(op.key);
        // Only the CA's own record is CA state; other key material (ACLs) must not look like a root change.
        if (op.key === 'ca') {
          t.tables.add('ca');
          t.ca = true;
        }
        break;
      }
      default:
        assertNever(op);
    }
  }
  if (t.empty) return undefined;
  const ev: ChangeEvent = {
    index: idx,
    nodes: t.nodes,
    services: t.services,
    connect: t.connect,
    configEntries: t.configEntries,
    keyMaterial: t.keyMaterial,
    ca: t.ca,
    tables: t.tables,
  };
  run(`UPDATE meta SET value = ? WHERE key = 'index'`, idx);
  const upsertTopic = prepared(db, 
    'INSERT INTO topics (topic, idx) VALUES (?, ?) ON CONFLICT (topic) DO UPDATE SET idx = excluded.idx',
  );
  for (const tp of topicsOfEvent(ev)) upsertTopic.run(tp, idx);
  return ev;
}

function assertNever(x: never): never {
  throw new TxnAbort('invalid', `unknown operation ${JSON.stringify(x)}`);
}
