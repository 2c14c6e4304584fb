/** Catalog and health reads: blocking behaviour, health aggregation, maintenance, filters. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { openSqliteStore, registerAgentNode, type SqliteCatalogStore } from '../../catalog/index.ts';
import { silentLogger } from '../../cli/logger.ts';

let app: FastifyInstance;
let store: SqliteCatalogStore;
beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  const agent = { node: 'agent-1', address: '127.0.0.1', datacenter: 'dc1' };
  await registerAgentNode(store, agent);
  app = await buildApi({ logger: silentLogger(), datacenter: 'dc1', store, agent });
});
afterEach(async () => {
  await app.close();
  store.close();
});

const put = async (url: string, body?: unknown): Promise<void> => {
  const r = await app.inject({ method: 'PUT', url, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
};
const get = async <T>(url: string): Promise<{ body: T; index: number; headers: Record<string, unknown> }> => {
  const r = await app.inject({ method: 'GET', url });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return { body: r.json() as T, index: Number(r.headers['x-consul-index']), headers: r.headers };
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
type Entry = { Service: { ID: string }; Checks: { CheckID: string; Status: string }[] };

describe('blocking queries', () => {
  it('parks until a relevant change, ignoring irrelevant ones', async () => {
    await put('/v1/agent/service/register', { Name: 'web', ID: 'web-1', Port: 80, Check: { TTL: '1m' } });
    const first = await get<Entry[]>('/v1/health/service/web');
    expect(first.index).toBeGreaterThan(0);
    expect(first.headers['x-consul-knownleader']).toBe('true');
    expect(first.headers['x-consul-lastcontact']).toBe('0');

    let answered = false;
    const parked = app.inject({ method: 'GET', url: `/v1/health/service/web?index=${first.index}&wait=1m` }).then((r) => {
      answered = true;
      return r;
    });
    await tick();
    await put('/v1/agent/service/register', { Name: 'db', ID: 'db-1', Port: 5432 });
    await put('/v1/catalog/register', { Node: 'elsewhere', Address: '10.0.0.9' });
    await tick();
    expect(answered).toBe(false);
    expect(store.waiterCount()).toBe(1);

    await put('/v1/agent/check/pass/service:web-1');
    const res = await parked;
    expect(Number(res.headers['x-consul-index'])).toBeGreaterThan(first.index);
    expect((res.json() as Entry[])[0]!.Checks.find((c) => c.CheckID === 'service:web-1')!.Status).toBe('passing');
    expect(store.waiterCount()).toBe(0);
  });

  it('answers with the same index when the wait runs out', async () => {
    const first = await get<Record<string, string[]>>('/v1/catalog/services');
    const again = await get<Record<string, string[]>>(`/v1/catalog/services?index=${first.index}&wait=20ms`);
    expect(again.index).toBe(first.index);
    expect(again.body).toEqual(first.body);
  });

  it('answers at once when the index is already behind', async () => {
    await put('/v1/agent/service/register', { Name: 'web', Port: 80 });
    const r = await get<unknown[]>('/v1/catalog/service/web?index=1&wait=10m');
    expect(r.body).toHaveLength(1);
  });

  it('releases parked queries when the app closes', async () => {
    const first = await get<unknown>('/v1/catalog/nodes');
    const parked = app.inject({ method: 'GET', url: `/v1/catalog/nodes?index=${first.index}&wait=10m` });
    await tick();
    expect(store.waiterCount()).toBe(1);
    await app.close();
    expect((await parked).statusCode).toBe(200);
  });
});

describe('health', () => {
  it('an instance passes only when its checks and its node checks all pass', async () => {
    await put('/v1/agent/service/register', { Name: 'web', ID: 'web-1', Port: 80, Check: { TTL: '1m', Status: 'passing' } });
    expect((await get<Entry[]>('/v1/health/service/web?passing')).body).toHaveLength(1);

    await put('/v1/agent/check/register', { Name: 'disk', CheckID: 'disk', TTL: '1m', Status: 'passing' });
    await put('/v1/agent/check/warn/disk?note=90%25 full');
    expect((await get<Entry[]>('/v1/health/service/web?passing=true')).body).toEqual([]);
    expect((await get<Entry[]>('/v1/health/service/web')).body[0]!.Checks.map((c) => c.CheckID)).toEqual(['disk', 'serfHealth', 'service:web-1']);
    const warning = await get<{ CheckID: string; Output: string }[]>('/v1/health/state/warning');
    expect(warning.body).toEqual([expect.objectContaining({ CheckID: 'disk', Output: '90% full' })]);

    await put('/v1/agent/check/update/disk', { Status: 'passing', Output: 'ok' });
    expect((await get<Entry[]>('/v1/health/service/web?passing')).body).toHaveLength(1);
  });

  it('maintenance mode adds a critical check and removes it again', async () => {
    await put('/v1/agent/service/register', { Name: 'web', ID: 'web-1', Port: 80 });
    await put('/v1/agent/service/maintenance/web-1?enable=true&reason=upgrade');
    const entries = (await get<Entry[]>('/v1/health/service/web')).body;
    expect(entries[0]!.Checks).toContainEqual(
      expect.objectContaining({ CheckID: '_service_maintenance:web-1', Status: 'critical', Notes: 'upgrade' }),
    );
    expect((await get<Entry[]>('/v1/health/service/web?passing')).body).toEqual([]);
    // Re-registering keeps the service in maintenance.
    await put('/v1/agent/service/register', { Name: 'web', ID: 'web-1', Port: 81 });
    expect((await get<Entry[]>('/v1/health/service/web?passing')).body).toEqual([]);
    await put('/v1/agent/service/maintenance/web-1?enable=false');
    expect((await get<Entry[]>('/v1/health/service/web?passing')).body).toHaveLength(1);
  });

  it('checks by service and by node', async () => {
    await put('/v1/agent/service/register', { Name: 'web', ID: 'web-1', Port: 80, Checks: [{ TTL: '1m' }, { TTL: '2m' }] });
    const byService = (await get<{ CheckID: string }[]>('/v1/health/checks/web')).body.map((c) => c.CheckID);
    expect(byService).toEqual(['service:web-1:1', 'service:web-1:2']);
    const byNode = (await get<{ CheckID: string }[]>('/v1/health/node/agent-1')).body.map((c) => c.CheckID);
    expect(byNode).toEqual(['serfHealth', 'service:web-1:1', 'service:web-1:2']);
  });
});

describe('catalog reads', () => {
  beforeEach(async () => {
    await put('/v1/catalog/register', {
      Node: 'n1', Address: '10.0.0.1', NodeMeta: { rack: 'a' },
      Service: { Service: 'web', ID: 'web-a', Port: 80, Tags: ['v1'], Meta: { version: '1' } },
    });
    await put('/v1/catalog/register', {
      Node: 'n2', Address: '10.0.0.2', NodeMeta: { rack: 'b' },
      Service: { Service: 'web', ID: 'web-b', Port: 80, Tags: ['v2'], Meta: { version: '2' } },
    });
  });

  it('filters service rows by tag, node-meta and filter expression', async () => {
    const ids = (rows: { ServiceID: string }[]): string[] => rows.map((r) => r.ServiceID);
    expect(ids((await get<{ ServiceID: string }[]>('/v1/catalog/service/web')).body)).toEqual(['web-a', 'web-b']);
    expect(ids((await get<{ ServiceID: string }[]>('/v1/catalog/service/web?tag=v2')).body)).toEqual(['web-b']);
    expect(ids((await get<{ ServiceID: string }[]>('/v1/catalog/service/web?node-meta=rack:a')).body)).toEqual(['web-a']);
    const f = encodeURIComponent('ServiceMeta.version == "2"');
    expect(ids((await get<{ ServiceID: string }[]>(`/v1/catalog/service/web?filter=${f}`)).body)).toEqual(['web-b']);
    const hf = encodeURIComponent('Service.Meta.version == "1"');
    expect((await get<Entry[]>(`/v1/health/service/web?filter=${hf}`)).body.map((e) => e.Service.ID)).toEqual(['web-a']);
  });

  it('lists nodes, services, datacenters and a node with its services; deregisters', async () => {
    expect((await get<{ Node: string }[]>('/v1/catalog/nodes')).body.map((n) => n.Node)).toEqual(['agent-1', 'n1', 'n2']);
    expect((await get<Record<string, string[]>>('/v1/catalog/services')).body).toEqual({ web: ['v1', 'v2'] });
    expect((await get<string[]>('/v1/catalog/datacenters')).body).toEqual(['dc1']);
    const node = (await get<{ Node: { Address: string }; Services: Record<string, { Port: number }> }>('/v1/catalog/node/n1')).body;
    expect(node.Node.Address).toBe('10.0.0.1');
    expect(Object.keys(node.Services)).toEqual(['web-a']);
    expect((await get<unknown>('/v1/catalog/node/ghost')).body).toBeNull();

    await put('/v1/catalog/deregister', { Node: 'n1', ServiceID: 'web-a' });
    expect((await get<Record<string, string[]>>('/v1/catalog/services')).body).toEqual({ web: ['v2'] });
    await put('/v1/catalog/deregister', { Node: 'n2' });
    expect((await get<Record<string, string[]>>('/v1/catalog/services')).body).toEqual({});
    expect((await get<{ Node: string }[]>('/v1/catalog/nodes')).body.map((n) => n.Node)).toEqual(['agent-1', 'n1']);
  });
});
