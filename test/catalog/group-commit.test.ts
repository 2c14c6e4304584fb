/**
 * Group commit in the SQLite store, on a real file: writes made in the same
 * turn share one commit, yet each keeps its own index, result and event, an
 * aborted or throwing write fails alone, and an acknowledged write survives
 * kill -9.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type CatalogOp, type ChangeEvent, type SqliteCatalogStore } from '../../catalog/index.ts';
import { makeNode, makeService } from './fixtures.ts';

const open: SqliteCatalogStore[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sb-group-'));
  dirs.push(d);
  return d;
}
function fileStore(path = join(tempDir(), 'catalog.db')): { store: SqliteCatalogStore; path: string } {
  const store = openSqliteStore({ path });
  open.push(store);
  return { store, path };
}
const addService = (node: string, id: string, port = 8080): CatalogOp[] => [
  { op: 'upsertService', node, service: makeService(id, { Port: port }) },
];
const setEntry = (name: string, casIndex?: number): CatalogOp => ({
  op: 'setConfigEntry', kind: 'service-defaults', name, body: { Protocol: 'http' }, ...(casIndex === undefined ? {} : { casIndex }),
});

describe('group commit', () => {
  it('commits concurrent applies once, each with its own index in call order, events after the commit', async () => {
    const { store, path } = fileStore();
    await store.apply([{ op: 'upsertNode', node: makeNode('n1') }]);
    const start = store.currentIndex();
    const before = store.commitStats();
    // A second connection sees only what is committed.
    const reader = new Database(path, { readonly: true });
    const heard: { index: number; committed: boolean }[] = [];
    store.subscribe((ev: ChangeEvent) => {
      const id = [...ev.services][0]!;
      heard.push({ index: ev.index, committed: reader.prepare('SELECT 1 FROM services WHERE id = ?').get(id) !== undefined });
    });

    const ids = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
    const pending = ids.map((id, i) => store.apply(addService('n1', id, 9000 + i)));
    // Queued, not yet written: nothing is visible before the group commits.
    expect(store.getService('n1', 'svc-0')).toBeUndefined();
    const results = await Promise.all(pending);
    reader.close();

    expect(results.map((r) => r.ok)).toEqual(ids.map(() => true));
    expect(results.map((r) => r.index)).toEqual(ids.map((_, i) => start + 1 + i));
    expect(store.commitStats()).toEqual({ commits: before.commits + 1, applies: before.applies + 20 });
    expect(heard).toEqual(ids.map((_, i) => ({ index: start + 1 + i, committed: true })));
    expect(store.currentIndex()).toBe(start + 20);

    // The same writes made one after another give the same records.
    const { store: serial } = fileStore();
    await serial.apply([{ op: 'upsertNode', node: makeNode('n1') }]);
    for (const [i, id] of ids.entries()) await serial.apply(addService('n1', id, 9000 + i));
    expect(serial.commitStats().commits).toBeGreaterThanOrEqual(21);
    expect(store.listServicesOnNode('n1')).toEqual(serial.listServicesOnNode('n1'));
  });

  it('fails only the apply whose compare-and-swap fails; its other ops roll back, the rest land', async () => {
    const { store } = fileStore();
    await store.apply([setEntry('web', 0)]);
    const existing = store.getConfigEntry('service-defaults', 'web')!;
    const start = store.currentIndex();
    const before = store.commitStats();
    const heard: number[] = [];
    store.subscribe((ev) => heard.push(ev.index));

    const [a, b, c] = await Promise.all([
      store.apply([setEntry('api', 0)]),
      store.apply([{ op: 'upsertNode', node: makeNode('b-node') }, setEntry('web', existing.ModifyIndex + 5)]),
      store.apply([setEntry('db', 0)]),
    ]);
    expect(a).toEqual({ ok: true, index: start + 1 });
    expect(b).toMatchObject({ ok: false, reason: 'cas-failed', index: start + 1 });
    expect(c).toEqual({ ok: true, index: start + 2 });
    expect(store.getNode('b-node')).toBeUndefined();
    expect(store.getConfigEntry('service-defaults', 'api')?.ModifyIndex).toBe(start + 1);
    expect(store.getConfigEntry('service-defaults', 'db')?.ModifyIndex).toBe(start + 2);
    expect(store.getConfigEntry('service-defaults', 'web')?.ModifyIndex).toBe(existing.ModifyIndex);
    expect(heard).toEqual([start + 1, start + 2]);
    expect(store.commitStats()).toEqual({ commits: before.commits + 1, applies: before.applies + 3 });
  });

  it('rejects only the apply whose op throws unexpectedly, rolling back its earlier ops', async () => {
    const { store } = fileStore();
    const start = store.currentIndex();
    const before = store.commitStats();
    // JSON cannot encode a BigInt: the op throws a TypeError, not a TxnAbort, after the node row was written.
    const poisoned: CatalogOp[] = [
      { op: 'upsertNode', node: makeNode('x-node') },
      { op: 'setConfigEntry', kind: 'service-defaults', name: 'bad', body: { Size: 10n } },
    ];
    const settled = await Promise.allSettled([
      store.apply([{ op: 'upsertNode', node: makeNode('n1') }]),
      store.apply(poisoned),
      store.apply([{ op: 'upsertNode', node: makeNode('n2') }]),
    ]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: { ok: true, index: start + 1 } });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: expect.any(TypeError) });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: { ok: true, index: start + 2 } });
    expect(store.getNode('x-node')).toBeUndefined();
    expect(store.getConfigEntry('service-defaults', 'bad')).toBeUndefined();
    expect(store.listNodes().map((n) => n.Node)).toEqual(['n1', 'n2']);
    expect(store.commitStats()).toEqual({ commits: before.commits + 1, applies: before.applies + 3 });
  });

  it('topic indexes read before a group are forgotten once it commits', async () => {
    const { store } = fileStore();
    const topics = ['config:service-defaults/web'];
    const before = store.topicIndex(topics);
    const r = await store.apply([setEntry('web')]);
    expect(r.index).toBeGreaterThan(before);
    expect(store.topicIndex(topics)).toBe(r.index);
  });

  it('a write made by a listener while a group is published goes into the next group', async () => {
    const { store } = fileStore();
    let follow: Promise<unknown> | undefined;
    store.subscribe((ev) => {
      if (ev.configEntries.has('service-defaults/first')) follow = store.apply([setEntry('second')]);
    });
    const first = await store.apply([setEntry('first')]);
    expect(follow).toBeDefined();
    expect(await follow).toEqual({ ok: true, index: first.index + 1 });
    expect(store.commitStats().commits).toBe(2);
  });

  it('close() commits the writes still queued and resolves them; apply after close is refused', async () => {
    const path = join(tempDir(), 'catalog.db');
    const store = openSqliteStore({ path });
    const pending = ['a', 'b', 'c'].map((n) => store.apply([{ op: 'upsertNode', node: makeNode(n) }]));
    store.close();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.ok)).toBe(true);
    await expect(store.apply([{ op: 'upsertNode', node: makeNode('d') }])).rejects.toThrow('store is closed');

    const { store: reopened } = fileStore(path);
    expect(reopened.listNodes().map((n) => n.Node)).toEqual(['a', 'b', 'c']);
    expect(reopened.currentIndex()).toBe(Math.max(...results.map((r) => r.index)));
  });

  it('groups writes in memory mode too', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    open.push(store);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((n) => store.apply([{ op: 'upsertNode', node: makeNode(n) }])));
    expect(results.map((r) => r.index)).toEqual([2, 3, 4, 5]);
    expect(store.commitStats()).toEqual({ commits: 1, applies: 4 });
  });

  it('keeps every acknowledged write of a group after kill -9 right after they resolve', async () => {
    const dir = tempDir();
    const path = join(dir, 'catalog.db');
    const script = join(dir, 'writer.mts');
    const catalog = resolve(import.meta.dirname, '../../catalog/index.ts');
    writeFileSync(
      script,
      `import { openSqliteStore } from ${JSON.stringify(catalog)};
const store = openSqliteStore({ path: ${JSON.stringify(path)} });
await store.apply([{ op: 'upsertNode', node: { Node: 'n1', Address: '10.0.0.1', Datacenter: 'dc1' } }]);
const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.apply([{ op: 'upsertService', node: 'n1',
  service: { ID: 'svc-' + i, Service: 'svc', Tags: [], Address: '', Port: 1000 + i, Meta: {}, Weights: { Passing: 1, Warning: 1 } } }])));
process.stdout.write(JSON.stringify({ indexes: results.map((r) => r.index), stats: store.commitStats() }) + '\\n');
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = await new Promise<{ indexes: number[]; stats: { commits: number; applies: number } }>((ok, fail) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) {
          child.kill('SIGKILL');
          ok(JSON.parse(out));
        }
      });
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.once('exit', (code) => fail(new Error(`writer exited (${code}) before acknowledging: ${err}`)));
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(acked.stats).toEqual({ commits: 2, applies: 51 });

    const { store } = fileStore(path);
    const services = store.listServiceInstances('svc');
    expect(services).toHaveLength(50);
    expect(services.map((s) => s.ModifyIndex).sort((x, y) => x - y)).toEqual(acked.indexes);
    expect(store.currentIndex()).toBe(Math.max(...acked.indexes));
  });
});
