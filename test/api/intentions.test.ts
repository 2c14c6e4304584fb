/**
 * `/v1/connect/intentions*` and `/v1/agent/connect/authorize`: legacy CRUD,
 * `/exact`, `/match`, `/check`, and their equivalence with the
 * `service-intentions` config entries they are stored as.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogOp, SqliteCatalogStore } from '../../catalog/index.ts';
import { configApi, type ConfigApi } from './config-helpers.ts';
import { startTestServer } from './server-harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Ixn {
  ID: string;
  SourceName: string;
  DestinationName: string;
  Action: string;
  Precedence: number;
  Meta: Record<string, string>;
  Description: string;
  Permissions?: unknown[];
  CreateIndex: number;
  ModifyIndex: number;
}
interface Entry {
  Name: string;
  Sources: { Name: string; Action?: string; LegacyID?: string; LegacyMeta?: Record<string, string>; Precedence: number }[];
  ModifyIndex: number;
}

let api: ConfigApi;
beforeEach(async () => {
  api = await configApi({ defaultIntentionAllow: false, trustDomain: () => '11111111-2222-3333-4444-555555555555.consul' });
});
afterEach(async () => {
  await api.close();
});

async function create(source: string, destination: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await api.call('POST', '/v1/connect/intentions', { SourceName: source, DestinationName: destination, Action: 'allow', ...extra });
  expect(r.status, r.body).toBe(200);
  return (r.json as { ID: string }).ID;
}
const pair = (s: string, d: string): string => `source=${encodeURIComponent(s)}&destination=${encodeURIComponent(d)}`;

describe('legacy intentions', () => {
  it('create returns an ID; the intention is one Source of its destination’s config entry', async () => {
    const id = await create('web', 'api', { Description: 'web may call api', Meta: { owner: 'team-a' } });
    expect(id).toMatch(UUID);

    const byId = (await api.call('GET', `/v1/connect/intentions/${id}`)).json as Ixn & { CreatedAt: string };
    expect(byId).toMatchObject({ ID: id, SourceName: 'web', DestinationName: 'api', Action: 'allow', Precedence: 9, Meta: { owner: 'team-a' }, Description: 'web may call api' });
    expect(Date.parse(byId.CreatedAt)).not.toBeNaN();

    const entry = (await api.call('GET', '/v1/config/service-intentions/api')).json as Entry;
    expect(entry.Sources).toEqual([expect.objectContaining({ Name: 'web', Action: 'allow', LegacyID: id, LegacyMeta: { owner: 'team-a' }, Precedence: 9 })]);
    expect(byId.ModifyIndex).toBe(entry.ModifyIndex);

    const list = (await api.call('GET', '/v1/connect/intentions')).json as Ixn[];
    expect(list.map((i) => i.ID)).toEqual([id]);
  });

  it('a second intention for the same source and destination is a 409 and changes nothing', async () => {
    const id = await create('web', 'api');
    const before = api.store.currentIndex();
    const r = await api.call('POST', '/v1/connect/intentions', { SourceName: 'web', DestinationName: 'api', Action: 'deny' });
    expect(r.status).toBe(409);
    expect(r.body).toContain('"web" => "api"');
    expect(r.body).toContain(id);
    expect(api.store.currentIndex()).toBe(before);
  });

  it('update by ID changes the action, keeps CreatedAt, and can move the intention to another destination atomically', async () => {
    const id = await create('web', 'api');
    const other = await create('db-admin', 'api');
    const created = ((await api.call('GET', `/v1/connect/intentions/${id}`)).json as { CreatedAt: string }).CreatedAt;
    const upd = await api.call('PUT', `/v1/connect/intentions/${id}`, { SourceName: 'web', DestinationName: 'api', Action: 'deny' });
    expect(upd.status, upd.body).toBe(200);
    const after = (await api.call('GET', `/v1/connect/intentions/${id}`)).json as Ixn & { CreatedAt: string };
    expect(after.Action).toBe('deny');
    expect(after.CreatedAt).toBe(created);

    const before = api.store.currentIndex();
    const move = await api.call('PUT', `/v1/connect/intentions/${id}`, { SourceName: 'web', DestinationName: 'db', Action: 'deny' });
    expect(move.status, move.body).toBe(200);
    expect(api.store.currentIndex()).toBe(before + 1);
    expect(((await api.call('GET', '/v1/config/service-intentions/api')).json as Entry).Sources.map((s) => s.LegacyID)).toEqual([other]);
    expect(((await api.call('GET', '/v1/config/service-intentions/db')).json as Entry).Sources.map((s) => s.LegacyID)).toEqual([id]);

    // Moving onto a pair that exists is refused.
    const clash = await api.call('PUT', `/v1/connect/intentions/${id}`, { SourceName: 'db-admin', DestinationName: 'api', Action: 'deny' });
    expect(clash.status).toBe(409);
  });

  it('delete by ID removes the source, and the entry with its last source; unknown IDs are 404', async () => {
    const a = await create('web', 'api');
    const b = await create('billing', 'api');
    expect((await api.call('DELETE', `/v1/connect/intentions/${a}`)).status).toBe(200);
    expect(((await api.call('GET', '/v1/config/service-intentions/api')).json as Entry).Sources.map((s) => s.Name)).toEqual(['billing']);
    expect((await api.call('DELETE', `/v1/connect/intentions/${b}`)).status).toBe(200);
    expect((await api.call('GET', '/v1/config/service-intentions/api')).status).toBe(404);
    expect((await api.call('GET', `/v1/connect/intentions/${a}`)).status).toBe(404);
    const gone = await api.call('DELETE', `/v1/connect/intentions/${a}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toContain(a);
  });

  it('refuses bad legacy intentions with the field named, storing nothing', async () => {
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'tcp-svc', Protocol: 'tcp' });
    const cases: [unknown, string][] = [
      [{ DestinationName: 'api', Action: 'allow' }, 'SourceName'],
      [{ SourceName: 'web', DestinationName: 'api', Action: 'maybe' }, 'Action'],
      [{ SourceName: 'web', DestinationName: 'api', Action: 'allow', ID: 'mine' }, 'ID'],
      [{ SourceName: 'w*b', DestinationName: 'api', Action: 'allow' }, 'SourceName'],
      [{ SourceName: 'web', DestinationName: 'tcp-svc', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/' } }] }, 'Permissions'],
      [{ SourceName: 'web', DestinationName: 'api', Action: 'allow', Colour: 'red' }, 'Colour'],
    ];
    for (const [body, field] of cases) {
      const before = api.store.currentIndex();
      const r = await api.call('POST', '/v1/connect/intentions', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toContain(field);
      expect(api.store.currentIndex()).toBe(before);
    }
    expect(api.store.listConfigEntries('service-intentions')).toEqual([]);
  });
});

describe('legacy view ↔ config entries', () => {
  it('an entry written through /v1/config shows in the legacy list, /exact and /:id-less form; legacy writes to it are refused', async () => {
    const w = await api.call('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'api', Sources: [{ Name: 'web', Action: 'deny', Description: 'no' }, { Name: '*', Action: 'allow' }] });
    expect(w.status, w.body).toBe(200);
    const list = (await api.call('GET', '/v1/connect/intentions')).json as Ixn[];
    expect(list.map((i) => [i.SourceName, i.DestinationName, i.Action, i.Precedence, i.ID])).toEqual([
      ['web', 'api', 'deny', 9, ''],
      ['*', 'api', 'allow', 8, ''],
    ]);
    const exact = await api.call('GET', `/v1/connect/intentions/exact?${pair('web', 'api')}`);
    expect(exact.json).toMatchObject({ SourceName: 'web', Action: 'deny', Description: 'no' });

    const legacy = await api.call('POST', '/v1/connect/intentions', { SourceName: 'billing', DestinationName: 'api', Action: 'allow' });
    expect(legacy.status).toBe(400);
    expect(legacy.body).toContain('/v1/config');
  });

  it('/exact upserts and deletes by name on a config-entry-written entry (no IDs), and on a legacy one (IDs assigned)', async () => {
    expect((await api.call('PUT', `/v1/connect/intentions/exact?${pair('web', 'api')}`, { Action: 'allow', Description: 'd' })).json).toBe(true);
    let entry = (await api.call('GET', '/v1/config/service-intentions/api')).json as Entry;
    expect(entry.Sources).toEqual([expect.objectContaining({ Name: 'web', Action: 'allow', Precedence: 9 })]);
    expect(entry.Sources[0]!.LegacyID).toBeUndefined();
    // Replace by name.
    await api.call('PUT', `/v1/connect/intentions/exact?${pair('web', 'api')}`, { Action: 'deny' });
    await api.call('PUT', `/v1/connect/intentions/exact?${pair('*', 'api')}`, { Action: 'allow' });
    entry = (await api.call('GET', '/v1/config/service-intentions/api')).json as Entry;
    expect(entry.Sources.map((s) => [s.Name, s.Action])).toEqual([['web', 'deny'], ['*', 'allow']]);
    // Meta cannot live on a non-legacy source.
    const meta = await api.call('PUT', `/v1/connect/intentions/exact?${pair('web', 'api')}`, { Action: 'deny', Meta: { a: 'b' } });
    expect(meta.status).toBe(400);
    expect(meta.body).toContain('Meta');
    // A bad permission is reported as a field of the intention written.
    const bad = await api.call('PUT', `/v1/connect/intentions/exact?${pair('web', 'api')}`, { Permissions: [{ Action: 'allow', HTTP: { PathPrefix: 'no-slash' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Permissions[0].HTTP.PathPrefix');

    expect((await api.call('DELETE', `/v1/connect/intentions/exact?${pair('web', 'api')}`)).json).toBe(true);
    expect((await api.call('GET', `/v1/connect/intentions/exact?${pair('web', 'api')}`)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/connect/intentions/exact?${pair('*', 'api')}`)).json).toBe(true);
    expect((await api.call('GET', '/v1/config/service-intentions/api')).status).toBe(404);

    // On a legacy entry, /exact keeps the entry legacy: the new source gets an ID and keeps Meta.
    const id = await create('web', 'db');
    await api.call('PUT', `/v1/connect/intentions/exact?${pair('billing', 'db')}`, { Action: 'deny', Meta: { why: 'audit' } });
    const legacyList = (await api.call('GET', '/v1/connect/intentions')).json as Ixn[];
    const billing = legacyList.find((i) => i.SourceName === 'billing')!;
    expect(billing.ID).toMatch(UUID);
    expect(billing.Meta).toEqual({ why: 'audit' });
    expect(legacyList.find((i) => i.SourceName === 'web')!.ID).toBe(id);
  });

  it('writing a legacy entry back through /v1/config drops its IDs (as Consul)', async () => {
    await create('web', 'api');
    const entry = (await api.call('GET', '/v1/config/service-intentions/api')).json as Record<string, unknown>;
    expect((await api.call('PUT', '/v1/config', entry)).status).toBe(200);
    const list = (await api.call('GET', '/v1/connect/intentions')).json as Ixn[];
    expect(list.map((i) => i.ID)).toEqual(['']);
  });
});

describe('/match, /check and filters', () => {
  beforeEach(async () => {
    await create('web', 'api', { Action: 'deny' });
    await create('*', 'api');
    await create('web', '*');
    await create('*', '*', { Action: 'deny' });
    await create('billing', 'db');
  });

  it('/match lists the intentions that apply, in evaluation (precedence) order', async () => {
    const byDest = (await api.call('GET', '/v1/connect/intentions/match?by=destination&name=api&name=db')).json as Record<string, Ixn[]>;
    expect(byDest['api']!.map((i) => `${i.SourceName}->${i.DestinationName}:${i.Precedence}`)).toEqual(['web->api:9', '*->api:8', 'web->*:6', '*->*:5']);
    expect(byDest['db']!.map((i) => `${i.SourceName}->${i.DestinationName}`)).toEqual(['billing->db', 'web->*', '*->*']);
    const bySource = (await api.call('GET', '/v1/connect/intentions/match?by=source&name=web')).json as Record<string, Ixn[]>;
    expect(bySource['web']!.map((i) => `${i.SourceName}->${i.DestinationName}`)).toEqual(['web->api', '*->api', 'web->*', '*->*']);
    const bad = await api.call('GET', '/v1/connect/intentions/match?by=sideways&name=web');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('by');
  });

  it('/check decides by the highest-precedence intention; L7 intentions count as deny', async () => {
    const check = async (s: string, d: string): Promise<boolean> => ((await api.call('GET', `/v1/connect/intentions/check?${pair(s, d)}`)).json as { Allowed: boolean }).Allowed;
    expect(await check('web', 'api')).toBe(false); // web→api deny (9) over *→api allow (8)
    expect(await check('billing', 'api')).toBe(true); // *→api allow
    expect(await check('web', 'db')).toBe(true); // web→* allow (6) over *→* deny (5)
    expect(await check('ops', 'db')).toBe(false); // *→* deny

    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'shop', Protocol: 'http' });
    await create('web', 'shop', { Action: undefined, Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/' } }] });
    expect(await check('web', 'shop')).toBe(false);
  });

  it('/check answers the default policy when no intention applies', async () => {
    const allowing = await configApi({ defaultIntentionAllow: true });
    try {
      const check = async (): Promise<unknown> => (await allowing.call('GET', `/v1/connect/intentions/check?${pair('a', 'b')}`)).json;
      expect(await check()).toEqual({ Allowed: true });
      await allowing.call('PUT', `/v1/connect/intentions/exact?${pair('*', '*')}`, { Action: 'deny' });
      expect(await check()).toEqual({ Allowed: false });
      await allowing.call('DELETE', '/v1/config/service-intentions/*');
      expect(await check()).toEqual({ Allowed: true });
    } finally {
      await allowing.close();
    }
    // This app's default is deny: once the wildcard intentions are gone, web→db has none and is denied.
    expect((await api.call('GET', `/v1/connect/intentions/check?${pair('web', 'db')}`)).json).toEqual({ Allowed: true });
    await api.call('DELETE', '/v1/config/service-intentions/*');
    expect((await api.call('GET', `/v1/connect/intentions/check?${pair('web', 'db')}`)).json).toEqual({ Allowed: false });
  });

  it('filters the legacy list with ?filter=', async () => {
    const r = await api.call('GET', `/v1/connect/intentions?filter=${encodeURIComponent('Action == "deny"')}`);
    expect((r.json as Ixn[]).map((i) => `${i.SourceName}->${i.DestinationName}`)).toEqual(['web->api', '*->*']);
    expect((await api.call('GET', '/v1/connect/intentions?filter=Action%20%3D%3D')).status).toBe(400);
  });

  it('a parked list read wakes on an intention write', async () => {
    const now = await api.call('GET', '/v1/connect/intentions');
    const parked = api.call('GET', `/v1/connect/intentions?index=${now.index}&wait=10s`);
    const parkedMatch = api.call('GET', `/v1/connect/intentions/match?by=destination&name=cache&index=${now.index}&wait=10s`);
    await create('web', 'cache');
    const [l, m] = await Promise.all([parked, parkedMatch]);
    expect((l.json as Ixn[]).some((i) => i.DestinationName === 'cache')).toBe(true);
    expect(l.index).toBeGreaterThan(now.index!);
    expect((m.json as Record<string, Ixn[]>)['cache']![0]!.SourceName).toBe('web');
  });
});

describe('authorize', () => {
  const td = '11111111-2222-3333-4444-555555555555.consul';
  const uri = (svc: string, trust = td): string => `spiffe://${trust}/ns/default/dc/dc1/svc/${svc}`;
  const authorize = async (target: string, certUri: string) => api.call('POST', '/v1/agent/connect/authorize', { Target: target, ClientCertURI: certUri, ClientCertSerial: '01' });

  it('allows and denies by intention, refuses L7 at L4 and foreign trust domains, and names the reason', async () => {
    await create('web', 'api');
    await create('billing', 'api', { Action: 'deny' });
    await api.call('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'shop', Protocol: 'http' });
    await create('web', 'shop', { Action: undefined, Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/' } }] });

    const ok = (await authorize('api', uri('web'))).json as { Authorized: boolean; Reason: string };
    expect(ok.Authorized).toBe(true);
    expect(ok.Reason).toContain('web => api');
    expect(((await authorize('api', uri('billing'))).json as { Authorized: boolean }).Authorized).toBe(false);
    const l7 = (await authorize('shop', uri('web'))).json as { Authorized: boolean; Reason: string };
    expect(l7).toMatchObject({ Authorized: false });
    expect(l7.Reason).toContain('L7');
    const dflt = (await authorize('db', uri('web'))).json as { Authorized: boolean; Reason: string };
    expect(dflt).toMatchObject({ Authorized: false });
    expect(dflt.Reason).toContain('default');
    const foreign = (await authorize('api', uri('web', 'other.consul'))).json as { Authorized: boolean; Reason: string };
    expect(foreign.Authorized).toBe(false);
    expect(foreign.Reason).toContain('other.consul');

    const bad = await authorize('api', 'https://example.com/web');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('ClientCertURI');
    const missing = await api.call('POST', '/v1/agent/connect/authorize', { ClientCertURI: uri('web') });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('Target');
  });

  it('a whole server authorizes against its own CA trust domain', async () => {
    const ts = await startTestServer();
    try {
      const post = (path: string, body: unknown) => fetch(`${ts.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
      const roots = (await fetch(`${ts.url}/v1/connect/ca/roots`).then((r) => r.json())) as { TrustDomain: string };
      expect(roots.TrustDomain).toMatch(/\.consul$/);
      await post('/v1/connect/intentions', { SourceName: 'web', DestinationName: 'api', Action: 'allow' });
      const own = (await post('/v1/agent/connect/authorize', { Target: 'api', ClientCertURI: `spiffe://${roots.TrustDomain}/ns/default/dc/dc1/svc/web` })) as { Authorized: boolean };
      expect(own.Authorized).toBe(true);
      const foreign = (await post('/v1/agent/connect/authorize', { Target: 'api', ClientCertURI: 'spiffe://elsewhere.consul/ns/default/dc/dc1/svc/web' })) as { Authorized: boolean };
      expect(foreign.Authorized).toBe(false);
    } finally {
      await ts.close();
    }
  });
});

describe('concurrent writers', () => {
  it('two legacy creates for different sources of one destination at the same time both land', async () => {
    const [a, b, c] = await Promise.all([create('web', 'api'), create('billing', 'api'), create('ops', 'api')]);
    const entry = (await api.call('GET', '/v1/config/service-intentions/api')).json as Entry;
    expect(entry.Sources.map((s) => s.LegacyID).sort()).toEqual([a, b, c].sort());
  });

  it('a write that loses a compare-and-swap to another writer re-reads and keeps both', async () => {
    let intruded = false;
    // Another writer (say, a replica) commits to the same entry between this server's read and its write.
    const intrude = (s: SqliteCatalogStore): SqliteCatalogStore =>
      new Proxy(s, {
        get(target, prop) {
          if (prop === 'apply') {
            return async (ops: readonly CatalogOp[]) => {
              if (!intruded && ops.some((o) => o.op === 'setConfigEntry' && o.kind === 'service-intentions')) {
                intruded = true;
                const at = '2024-01-01T00:00:00.000Z';
                const r = await target.apply([
                  {
                    op: 'setConfigEntry',
                    kind: 'service-intentions',
                    name: 'api',
                    body: { Kind: 'service-intentions', Name: 'api', Sources: [{ Name: 'intruder', Action: 'deny', Precedence: 9, Type: 'consul', LegacyID: 'intruder-id', LegacyMeta: {}, LegacyCreateTime: at, LegacyUpdateTime: at }] },
                  },
                ]);
                expect(r.ok).toBe(true);
              }
              return target.apply(ops);
            };
          }
          const v: unknown = Reflect.get(target, prop, target);
          return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
        },
      });
    const racy = await configApi({}, intrude);
    try {
      const r = await racy.call('POST', '/v1/connect/intentions', { SourceName: 'web', DestinationName: 'api', Action: 'allow' });
      expect(r.status, r.body).toBe(200);
      expect(intruded).toBe(true);
      const entry = racy.store.getConfigEntry('service-intentions', 'api')!.Body as unknown as Entry;
      expect(entry.Sources.map((s) => s.Name).sort()).toEqual(['intruder', 'web']);
    } finally {
      await racy.close();
    }
  });
});
