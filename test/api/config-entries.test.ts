/** `/v1/config`: CRUD of every kind, CAS, blocking reads, and write-time validation that stores nothing on error. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfigEntry, validateServiceIntentions } from '../../policy/index.ts';
import { configApi, type ConfigApi } from './config-helpers.ts';

let api: ConfigApi;
beforeEach(async () => {
  api = await configApi();
});
afterEach(async () => {
  await api.close();
});

const entries: Record<string, Record<string, unknown>> = {
  'proxy-defaults': { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'HTTP' } },
  'service-defaults': { Kind: 'service-defaults', Name: 'admin', Protocol: 'http', Meta: { team: 'ops' } },
  'service-resolver': { Kind: 'service-resolver', Name: 'admin', ConnectTimeout: '1500ms', Subsets: { v1: { Filter: 'Service.Meta.version == 1' }, v2: { Filter: 'Service.Meta.version == 2' } } },
  'service-splitter': { Kind: 'service-splitter', Name: 'admin', Splits: [{ Weight: 90, ServiceSubset: 'v1' }, { Weight: 10, ServiceSubset: 'v2' }] },
  'service-router': { Kind: 'service-router', Name: 'web', Routes: [{ Match: { HTTP: { PathPrefix: '/admin' } }, Destination: { Service: 'admin' } }] },
  'service-intentions': { Kind: 'service-intentions', Name: 'admin', Sources: [{ Name: '*', Action: 'deny' }, { Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/', Methods: ['get'] } }] }] },
};

/** What the validators normalise an entry to: exactly what must be stored. */
function normalised(e: Record<string, unknown>): unknown {
  if (e['Kind'] === 'service-intentions') {
    const v = validateServiceIntentions(e, { protocol: 'http' });
    if (!v.ok) throw new Error(v.errors.join('; '));
    return v.value;
  }
  const v = validateConfigEntry(e);
  if (!v.ok) throw new Error(v.errors.join('; '));
  return v.value;
}

async function writeAll(): Promise<void> {
  for (const e of Object.values(entries)) {
    const r = await api.call('PUT', '/v1/config', e);
    expect(r.status, r.body).toBe(200);
    expect(r.json).toBe(true);
  }
}

describe('config entries CRUD', () => {
  it('writes, reads, lists and deletes every kind; stores exactly the normalised entry', async () => {
    await writeAll();
    for (const [kind, e] of Object.entries(entries)) {
      const rec = api.store.getConfigEntry(kind, e['Name'] as string);
      expect(rec?.Body, kind).toEqual(normalised(e));
      const got = await api.call('GET', `/v1/config/${kind}/${e['Name'] as string}`);
      expect(got.status).toBe(200);
      expect(got.json).toEqual({ ...(normalised(e) as object), CreateIndex: rec!.CreateIndex, ModifyIndex: rec!.ModifyIndex });
      expect(got.index).toBe(rec!.ModifyIndex);
    }
    // Normalisation shows: lower-case protocol, canonical duration, upper-case methods, precedence computed.
    expect(api.store.getConfigEntry('proxy-defaults', 'global')?.Body['Config']).toEqual({ protocol: 'http' });
    expect(api.store.getConfigEntry('service-resolver', 'admin')?.Body['ConnectTimeout']).toBe('1.5s');
    const ixn = api.store.getConfigEntry('service-intentions', 'admin')?.Body as { Sources: { Name: string; Precedence: number; Permissions?: { HTTP: { Methods: string[] } }[] }[] };
    expect(ixn.Sources.map((s) => [s.Name, s.Precedence])).toEqual([['web', 9], ['*', 8]]);
    expect(ixn.Sources[0]!.Permissions![0]!.HTTP.Methods).toEqual(['GET']);

    const list = await api.call('GET', '/v1/config/service-defaults');
    expect((list.json as { Name: string }[]).map((e) => e.Name)).toEqual(['admin']);
    const filtered = await api.call('GET', `/v1/config/service-intentions?filter=${encodeURIComponent('Name == "nobody"')}`);
    expect(filtered.json).toEqual([]);

    // Delete in dependency order: router before splitter before resolver, intentions before protocol.
    for (const kind of ['service-router', 'service-splitter', 'service-resolver', 'service-intentions', 'service-defaults', 'proxy-defaults']) {
      const name = entries[kind]!['Name'] as string;
      const del = await api.call('DELETE', `/v1/config/${kind}/${name}`);
      expect(del.status, del.body).toBe(200);
      expect(del.json).toEqual({});
      const gone = await api.call('GET', `/v1/config/${kind}/${name}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toContain(name);
    }
    expect(api.store.listConfigEntries()).toEqual([]);
  });

  it('answers 404 for a missing entry and 400 for an unknown kind', async () => {
    expect((await api.call('GET', '/v1/config/service-defaults/nope')).status).toBe(404);
    const bad = await api.call('GET', '/v1/config/service-teleporter');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('service-teleporter');
    expect((await api.call('DELETE', '/v1/config/service-teleporter/x')).status).toBe(400);
  });

  it('round-trips an entry read back with its indices', async () => {
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'web', Protocol: 'grpc' });
    const got = (await api.call('GET', '/v1/config/service-defaults/web')).json as Record<string, unknown>;
    expect((await api.call('PUT', '/v1/config', got)).json).toBe(true);
    expect(api.store.getConfigEntry('service-defaults', 'web')?.Body).toEqual({ Kind: 'service-defaults', Name: 'web', Protocol: 'grpc' });
  });
});

describe('check-and-set', () => {
  it('cas=0 creates only when absent; cas=<ModifyIndex> updates only when current', async () => {
    const sd = (protocol: string) => ({ Kind: 'service-defaults', Name: 'web', Protocol: protocol });
    expect((await api.call('PUT', '/v1/config?cas=0', sd('http'))).json).toBe(true);
    const first = api.store.getConfigEntry('service-defaults', 'web')!;
    expect((await api.call('PUT', '/v1/config?cas=0', sd('grpc'))).json).toBe(false);
    expect((await api.call('PUT', `/v1/config?cas=${first.ModifyIndex + 100}`, sd('grpc'))).json).toBe(false);
    expect(api.store.getConfigEntry('service-defaults', 'web')?.Body['Protocol']).toBe('http');

    expect((await api.call('PUT', `/v1/config?cas=${first.ModifyIndex}`, sd('grpc'))).json).toBe(true);
    const second = api.store.getConfigEntry('service-defaults', 'web')!;
    expect(second.Body['Protocol']).toBe('grpc');
    expect(second.CreateIndex).toBe(first.CreateIndex);
    expect(second.ModifyIndex).toBeGreaterThan(first.ModifyIndex);
    // The index the first writer saw is stale now.
    expect((await api.call('PUT', `/v1/config?cas=${first.ModifyIndex}`, sd('tcp'))).json).toBe(false);

    expect((await api.call('DELETE', `/v1/config/service-defaults/web?cas=${first.ModifyIndex}`)).json).toBe(false);
    expect(api.store.getConfigEntry('service-defaults', 'web')).toBeDefined();
    expect((await api.call('DELETE', `/v1/config/service-defaults/web?cas=${second.ModifyIndex}`)).json).toBe(true);
    expect(api.store.getConfigEntry('service-defaults', 'web')).toBeUndefined();
  });

  it('rejects a cas that is not a number', async () => {
    const r = await api.call('PUT', '/v1/config?cas=abc', { Kind: 'service-defaults', Name: 'web' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('cas');
  });
});

describe('blocking reads', () => {
  it('a parked GET of an entry and of a kind list wakes on a write and returns the new value', async () => {
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'web', Protocol: 'http' });
    const now = await api.call('GET', '/v1/config/service-defaults/web');
    const list = await api.call('GET', '/v1/config/service-defaults');
    const parkedEntry = api.call('GET', `/v1/config/service-defaults/web?index=${now.index}&wait=10s`);
    const parkedList = api.call('GET', `/v1/config/service-defaults?index=${list.index}&wait=10s`);
    // An unrelated kind does not wake them; the write below does.
    await api.call('PUT', '/v1/config', { Kind: 'proxy-defaults', Name: 'global', Config: {} });
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'web', Protocol: 'grpc' });
    const [e, l] = await Promise.all([parkedEntry, parkedList]);
    expect((e.json as { Protocol: string }).Protocol).toBe('grpc');
    expect(e.index).toBeGreaterThan(now.index!);
    expect((l.json as { Protocol: string }[])[0]!.Protocol).toBe('grpc');
  });

  it('a parked GET of a missing entry answers 404 once its wait runs out', async () => {
    const r = await api.call('GET', '/v1/config/service-defaults/ghost?index=100&wait=50ms');
    expect(r.status).toBe(404);
  });
});

interface BadCase {
  name: string;
  /** Entries written (successfully) first. */
  setup?: Record<string, unknown>[];
  method?: 'PUT' | 'DELETE';
  url?: string;
  body?: unknown;
  mentions: string[];
}

const tcpRouter = { Kind: 'service-router', Name: 'web', Routes: [{ Match: { HTTP: { PathPrefix: '/a' } }, Destination: { Service: 'web' } }] };
const l7Intention = { Kind: 'service-intentions', Name: 'api', Sources: [{ Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/v1' } }] }] };

const badCases: BadCase[] = [
  { name: 'no Kind', body: { Name: 'web' }, mentions: ['Kind'] },
  { name: 'unknown Kind', body: { Kind: 'mesh-teleporter', Name: 'web' }, mentions: ['Kind', 'mesh-teleporter'] },
  { name: 'body not an object', body: '[1]', mentions: ['body'] },
  { name: 'bad protocol', body: { Kind: 'service-defaults', Name: 'web', Protocol: 'smtp' }, mentions: ['service-defaults "web"', 'Protocol'] },
  { name: 'unknown field', body: { Kind: 'service-defaults', Name: 'web', Protcol: 'http' }, mentions: ['Protcol'] },
  { name: 'non-default namespace', body: { Kind: 'service-defaults', Name: 'web', Namespace: 'team-a' }, mentions: ['Namespace', 'team-a'] },
  { name: 'splitter weights off', body: { Kind: 'service-splitter', Name: 'web', Splits: [{ Weight: 60 }, { Weight: 30 }] }, mentions: ['service-splitter "web"', 'sum'] },
  { name: 'router on a tcp service', body: tcpRouter, mentions: ['service-router "web"', 'protocol', 'service-defaults "web"'] },
  {
    name: 'splitter to a subset the resolver lacks',
    setup: [{ Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'http' } }, { Kind: 'service-resolver', Name: 'web', Subsets: { v1: { Filter: 'Service.Meta.v == 1' } } }],
    body: { Kind: 'service-splitter', Name: 'web', Splits: [{ Weight: 50, ServiceSubset: 'v1' }, { Weight: 50, ServiceSubset: 'v9' }] },
    mentions: ['v9'],
  },
  { name: 'intention without Action', body: { Kind: 'service-intentions', Name: 'api', Sources: [{ Name: 'web' }] }, mentions: ['service-intentions "api"', 'Sources[0].Action'] },
  { name: 'L7 intention on a tcp service', body: l7Intention, mentions: ['service-intentions "api"', 'Sources[0].Permissions', 'tcp'] },
  {
    name: 'protocol change that breaks an L7 intention',
    setup: [{ Kind: 'service-defaults', Name: 'api', Protocol: 'http' }, l7Intention],
    body: { Kind: 'service-defaults', Name: 'api', Protocol: 'tcp' },
    mentions: ['service-defaults "api"', 'service-intentions "api"', 'Sources[0]', 'L7 Permissions'],
  },
  {
    name: 'proxy-defaults change that breaks an L7 intention',
    setup: [{ Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'http' } }, l7Intention],
    body: { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'tcp' } },
    mentions: ['proxy-defaults "global"', 'service-intentions "api"'],
  },
  {
    name: 'protocol change that breaks a router',
    setup: [{ Kind: 'service-defaults', Name: 'web', Protocol: 'http' }, tcpRouter],
    body: { Kind: 'service-defaults', Name: 'web', Protocol: 'tcp' },
    mentions: ['service-router "web"', 'protocol'],
  },
  {
    name: 'deleting the service-defaults an L7 intention needs',
    setup: [{ Kind: 'service-defaults', Name: 'api', Protocol: 'http' }, l7Intention],
    method: 'DELETE',
    url: '/v1/config/service-defaults/api',
    mentions: ['deleting service-defaults "api"', 'L7 Permissions'],
  },
  {
    name: 'deleting a resolver whose subset a splitter needs',
    setup: [
      { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'http' } },
      { Kind: 'service-resolver', Name: 'web', Subsets: { v1: { Filter: 'Service.Meta.v == 1' } } },
      { Kind: 'service-splitter', Name: 'web', Splits: [{ Weight: 100, ServiceSubset: 'v1' }] },
    ],
    method: 'DELETE',
    url: '/v1/config/service-resolver/web',
    mentions: ['deleting service-resolver "web"', 'v1'],
  },
];

describe('write-time validation', () => {
  it.each(badCases)('$name → 400 naming the field; nothing stored', async (c) => {
    for (const e of c.setup ?? []) {
      const r = await api.call('PUT', '/v1/config', e);
      expect(r.status, r.body).toBe(200);
    }
    const before = api.store.currentIndex();
    const snapshot = JSON.stringify(api.store.listConfigEntries());
    const r = await api.call(c.method ?? 'PUT', c.url ?? '/v1/config', c.body);
    expect(r.status, r.body).toBe(400);
    for (const m of c.mentions) expect(r.body).toContain(m);
    expect(api.store.currentIndex()).toBe(before);
    expect(JSON.stringify(api.store.listConfigEntries())).toBe(snapshot);
  });

  it('a protocol change that keeps L7 intentions valid is accepted', async () => {
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'http' });
    expect((await api.call('PUT', '/v1/config', l7Intention)).status).toBe(200);
    const r = await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'grpc' });
    expect(r.status, r.body).toBe(200);
  });
});
