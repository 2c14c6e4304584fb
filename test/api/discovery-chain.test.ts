/** `/v1/discovery-chain/:service`: the router → splitter → resolver example through the API, overrides, compile-dc, blocking. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileDiscoveryChain, type CompiledDiscoveryChain } from '../../policy/index.ts';
import { adminExample } from '../policy/chain-fixtures.ts';
import { configApi, type ConfigApi } from './config-helpers.ts';

const TD = '11111111-2222-3333-4444-555555555555.consul';

let api: ConfigApi;
beforeEach(async () => {
  api = await configApi({ trustDomain: () => TD });
});
afterEach(async () => {
  await api.close();
});

// Writes are validated against what is stored, so what an entry refers to goes first.
const WRITE_ORDER = ['proxy-defaults', 'service-defaults', 'service-resolver', 'service-splitter', 'service-router'];

async function writeExample(): Promise<void> {
  for (const e of [...adminExample()].sort((a, b) => WRITE_ORDER.indexOf(a.Kind) - WRITE_ORDER.indexOf(b.Kind))) {
    const r = await api.call('PUT', '/v1/config', e);
    expect(r.status, r.body).toBe(200);
  }
}

const chainOf = (json: unknown): CompiledDiscoveryChain => (json as { Chain: CompiledDiscoveryChain }).Chain;

describe('discovery chain', () => {
  it('compiles web’s router → admin splitter → admin resolver from the stored entries', async () => {
    await writeExample();
    const r = await api.call('GET', '/v1/discovery-chain/web');
    expect(r.status, r.body).toBe(200);
    const chain = chainOf(r.json);
    // The API answers exactly what the compiler makes of the stored entries.
    const direct = compileDiscoveryChain({ service: 'web', datacenter: 'dc1', entries: adminExample(), trustDomain: TD });
    expect(direct.ok && direct.value).toEqual(chain);

    expect(chain).toMatchObject({ ServiceName: 'web', Datacenter: 'dc1', Protocol: 'http', Default: false, StartNode: 'router:web.default.default' });
    const router = chain.Nodes['router:web.default.default'];
    expect(router?.Type).toBe('router');
    const routes = router?.Type === 'router' ? router.Routes : [];
    expect(routes.map((rt) => [rt.Definition.Match?.HTTP?.PathPrefix, rt.NextNode])).toEqual([
      ['/admin', 'splitter:admin.default.default'],
      ['/', 'resolver:web.default.default.dc1'],
    ]);
    const splitter = chain.Nodes['splitter:admin.default.default'];
    expect(splitter?.Type === 'splitter' && splitter.Splits.map((s) => [s.Weight, s.NextNode])).toEqual([
      [90, 'resolver:v1.admin.default.default.dc1'],
      [10, 'resolver:v2.admin.default.default.dc1'],
    ]);
    expect(chain.Targets['v2.admin.default.default.dc1']).toMatchObject({
      Service: 'admin',
      ServiceSubset: 'v2',
      Subset: { Filter: 'Service.Meta.version == 2' },
      SNI: `v2.admin.default.dc1.internal.${TD}`,
    });
  });

  it('compiles the default chain for a service without entries', async () => {
    const chain = chainOf((await api.call('GET', '/v1/discovery-chain/cache')).json);
    expect(chain).toMatchObject({ ServiceName: 'cache', Protocol: 'tcp', Default: true, StartNode: 'resolver:cache.default.default.dc1' });
  });

  it('compiles for another datacenter with ?compile-dc=', async () => {
    await writeExample();
    const chain = chainOf((await api.call('GET', '/v1/discovery-chain/admin?compile-dc=dc2')).json);
    expect(chain.Datacenter).toBe('dc2');
    expect(Object.keys(chain.Targets)).toEqual(['v1.admin.default.default.dc2', 'v2.admin.default.default.dc2']);
  });

  it('POST applies overrides and marks the chain customised; bad overrides are 400 naming the field', async () => {
    await writeExample();
    const r = await api.call('POST', '/v1/discovery-chain/admin', { OverrideConnectTimeout: '7s', OverrideMeshGateway: { Mode: 'local' } });
    expect(r.status, r.body).toBe(200);
    const chain = chainOf(r.json);
    expect(chain.CustomizationHash).toBeTruthy();
    expect(chain.Targets['v1.admin.default.default.dc1']).toMatchObject({ ConnectTimeout: '7s', MeshGateway: { Mode: 'local' } });
    // An empty body, or none, is the plain chain.
    expect(chainOf((await api.call('POST', '/v1/discovery-chain/admin', {})).json).CustomizationHash).toBeUndefined();
    const bare = await api.call('POST', '/v1/discovery-chain/admin');
    expect(bare.status, bare.body).toBe(200);
    expect(chainOf(bare.json).CustomizationHash).toBeUndefined();

    const badTimeout = await api.call('POST', '/v1/discovery-chain/admin', { OverrideConnectTimeout: 'soon' });
    expect(badTimeout.status).toBe(400);
    expect(badTimeout.body).toContain('OverrideConnectTimeout');
    const badProtocol = await api.call('POST', '/v1/discovery-chain/admin', { OverrideProtocol: 'smtp' });
    expect(badProtocol.status).toBe(400);
    expect(badProtocol.body).toContain('OverrideProtocol');
    const unknown = await api.call('POST', '/v1/discovery-chain/admin', { OverideProtocol: 'http' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('OverideProtocol');
  });

  it('a parked GET wakes when an entry the chain depends on changes, not on intentions', async () => {
    await writeExample();
    const now = await api.call('GET', '/v1/discovery-chain/admin');
    const parked = api.call('GET', `/v1/discovery-chain/admin?index=${now.index}&wait=10s`);
    const intention = await api.call('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'admin', Sources: [{ Name: 'web', Action: 'allow' }] });
    expect(intention.status).toBe(200);
    await api.call('PUT', '/v1/config', { Kind: 'service-resolver', Name: 'admin', ConnectTimeout: '3s', Subsets: { v1: { Filter: 'Service.Meta.version == 1' }, v2: { Filter: 'Service.Meta.version == 2' } } });
    const woke = await parked;
    expect(woke.index).toBe(api.store.getConfigEntry('service-resolver', 'admin')!.ModifyIndex);
    expect(chainOf(woke.json).Targets['v1.admin.default.default.dc1']?.ConnectTimeout).toBe('3s');
  });
});
