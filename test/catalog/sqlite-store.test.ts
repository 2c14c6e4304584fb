import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, serviceTopics, topic, type ChangeEvent, type SqliteCatalogStore } from '../../catalog/index.ts';
import { makeCheck, makeNode, makeService, nodeWithService } from './fixtures.ts';

const open: SqliteCatalogStore[] = [];
const dirs: string[] = [];
function memStore(): SqliteCatalogStore {
  const s = openSqliteStore({ path: ':memory:' });
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite store: indexes', () => {
  it('bumps one global index per transaction and keeps CreateIndex on update', async () => {
    const s = memStore();
    const start = s.currentIndex();
    const r1 = await s.apply(nodeWithService('n1', makeService('web')));
    expect(r1.ok).toBe(true);
    expect(r1.index).toBe(start + 1);
    const created = s.getService('n1', 'web')!;
    expect(created.CreateIndex).toBe(r1.index);
    expect(created.ModifyIndex).toBe(r1.index);

    const r2 = await s.apply([{ op: 'upsertService', node: 'n1', service: makeService('web', { Port: 9090 }) }]);
    expect(r2.index).toBe(r1.index + 1);
    const updated = s.getService('n1', 'web')!;
    expect(updated.CreateIndex).toBe(r1.index);
    expect(updated.ModifyIndex).toBe(r2.index);
    expect(updated.Port).toBe(9090);
    // The node was not part of the second write.
    expect(s.getNode('n1')!.ModifyIndex).toBe(r1.index);
  });

  it('does not bump the index for a write that changes nothing', async () => {
    const s = memStore();
    await s.apply(nodeWithService('n1', makeService('web')));
    const before = s.currentIndex();
    const r = await s.apply(nodeWithService('n1', makeService('web')));
    expect(r.ok).toBe(true);
    expect(s.currentIndex()).toBe(before);
  });

  it('keeps a topic index after its records are deleted, so result indexes never go back', async () => {
    const s = memStore();
    await s.apply(nodeWithService('n1', makeService('web')));
    const del = await s.apply([{ op: 'deleteService', node: 'n1', serviceId: 'web' }]);
    expect(s.listServiceInstances('web')).toEqual([]);
    expect(s.topicIndex(serviceTopics('web'))).toBe(del.index);
  });
});

describe('SQLite store: transactions', () => {
  it('applies nothing when one op fails (check for a missing service)', async () => {
    const s = memStore();
    const before = s.currentIndex();
    const r = await s.apply([
      { op: 'upsertNode', node: makeNode('n1') },
      { op: 'upsertCheck', check: makeCheck('n1', 'c1', { ServiceID: 'nope' }) },
    ]);
    expect(r).toMatchObject({ ok: false, reason: 'not-found' });
    expect(s.getNode('n1')).toBeUndefined();
    expect(s.currentIndex()).toBe(before);
  });

  it('compare-and-swaps config entries and key material', async () => {
    const s = memStore();
    const body = { Protocol: 'http' };
    expect((await s.apply([{ op: 'setConfigEntry', kind: 'service-defaults', name: 'web', body, casIndex: 0 }])).ok).toBe(true);
    const e = s.getConfigEntry('service-defaults', 'web')!;
    // CAS 0 means "only if absent": it exists now.
    expect((await s.apply([{ op: 'setConfigEntry', kind: 'service-defaults', name: 'web', body, casIndex: 0 }])).ok).toBe(false);
    const stale = await s.apply([{ op: 'setConfigEntry', kind: 'service-defaults', name: 'web', body: { Protocol: 'grpc' }, casIndex: e.ModifyIndex + 7 }]);
    expect(stale).toMatchObject({ ok: false, reason: 'cas-failed' });
    const good = await s.apply([{ op: 'setConfigEntry', kind: 'service-defaults', name: 'web', body: { Protocol: 'grpc' }, casIndex: e.ModifyIndex }]);
    expect(good.ok).toBe(true);
    expect(s.getConfigEntry('service-defaults', 'web')!.Body).toEqual({ Protocol: 'grpc' });

    expect(s.getCAState()).toBeUndefined();
    expect(await s.casCAState('v1', 5)).toBe(false);
    expect(await s.casCAState('v1', 0)).toBe(true);
    const ca = s.getCAState()!;
    expect(ca.value).toBe('v1');
    expect(await s.casCAState('v2', 0)).toBe(false);
    expect(await s.casCAState('v2', ca.modifyIndex)).toBe(true);
    expect(s.getCAState()!.value).toBe('v2');
  });

  it('lists the IDs of the services on a node, ordered, as the records are', async () => {
    const s = memStore();
    await s.apply([...nodeWithService('n1', makeService('web-2')), { op: 'upsertService', node: 'n1', service: makeService('api-1') }]);
    await s.apply(nodeWithService('n2', makeService('db-1')));
    expect(s.listServiceIdsOnNode('n1')).toEqual(['api-1', 'web-2']);
    expect(s.listServiceIdsOnNode('n1')).toEqual(s.listServicesOnNode('n1').map((r) => r.ID));
    expect(s.listServiceIdsOnNode('nowhere')).toEqual([]);
  });

  it('deleting a node removes its services and checks', async () => {
    const s = memStore();
    await s.apply([...nodeWithService('n1', makeService('web')), { op: 'upsertCheck', check: makeCheck('n1', 'c1', { ServiceID: 'web' }) }]);
    await s.apply([{ op: 'deleteNode', node: 'n1' }]);
    expect(s.listServicesOnNode('n1')).toEqual([]);
    expect(s.listChecks({ node: 'n1' })).toEqual([]);
  });
});

describe('SQLite store: change events and waiting', () => {
  it('says what a change touched, including services affected by a node-level check', async () => {
    const s = memStore();
    const events: ChangeEvent[] = [];
    s.subscribe((ev) => events.push(ev));
    await s.apply([
      ...nodeWithService('n1', makeService('web')),
      { op: 'upsertService', node: 'n1', service: makeService('web-sidecar-proxy', { Kind: 'connect-proxy', Proxy: { DestinationServiceName: 'web' } }) },
    ]);
    await s.apply([{ op: 'upsertNode', node: makeNode('n2') }]);
    await s.apply([{ op: 'upsertCheck', check: makeCheck('n1', 'node-ok') }]);
    expect(events).toHaveLength(3);
    expect([...events[0]!.services].sort()).toEqual(['web', 'web-sidecar-proxy']);
    expect([...events[0]!.connect]).toEqual(['web']);
    expect([...events[1]!.services]).toEqual([]);
    expect([...events[1]!.nodes]).toEqual(['n2']);
    expect([...events[2]!.services].sort()).toEqual(['web', 'web-sidecar-proxy']);
    expect(events.map((e) => e.index)).toEqual([events[0]!.index, events[0]!.index + 1, events[0]!.index + 2]);
  });

  it('wakes a waiter on a relevant change and not on an irrelevant one', async () => {
    const s = memStore();
    await s.apply([...nodeWithService('n1', makeService('web')), { op: 'upsertService', node: 'n1', service: makeService('db') }]);
    const after = s.topicIndex(serviceTopics('web'));
    let woken: boolean | undefined;
    const waiting = s.waitForChange(serviceTopics('web'), after, 60_000).then((v) => (woken = v));
    await s.apply([{ op: 'upsertService', node: 'n1', service: makeService('db', { Port: 1 }) }]);
    await new Promise((r) => setImmediate(r));
    expect(woken).toBeUndefined();
    expect(s.waiterCount()).toBe(1);
    await s.apply([{ op: 'upsertService', node: 'n1', service: makeService('web', { Port: 1 }) }]);
    await waiting;
    expect(woken).toBe(true);
    expect(s.waiterCount()).toBe(0);
    expect(s.topicIndex(serviceTopics('web'))).toBeGreaterThan(after);
  });

  it('returns at once when the topic already moved past the index, and false on timeout or abort', async () => {
    const s = memStore();
    await s.apply(nodeWithService('n1', makeService('web')));
    expect(await s.waitForChange([topic.service('web')], 0, 60_000)).toBe(true);
    const idx = s.topicIndex([topic.service('web')]);
    expect(await s.waitForChange([topic.service('web')], idx, 5)).toBe(false);
    const ac = new AbortController();
    const p = s.waitForChange([topic.service('web')], idx, 60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
    expect(s.waiterCount()).toBe(0);
  });
});

describe('SQLite store: durability', () => {
  it('keeps every acknowledged write across a reopen of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
    dirs.push(dir);
    const path = join(dir, 'catalog.db');
    const a = openSqliteStore({ path });
    const r = await a.apply(nodeWithService('n1', makeService('web', { Tags: ['v1'] })));
    a.close();
    const b = openSqliteStore({ path });
    open.push(b);
    expect(b.currentIndex()).toBe(r.index);
    expect(b.getService('n1', 'web')!.Tags).toEqual(['v1']);
    expect(b.topicIndex(serviceTopics('web'))).toBe(r.index);
  });
});
