/**
 * Config entries → the chain part of an upstream's snapshot: failover
 * targets, load balancers, route actions (router values first, then the
 * resolver's RequestTimeout), query matches and per-split header rewrites.
 * A real store holds the validated entries; the endpoints of each service are
 * given by the test (their gathering is covered by the mesh tests).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type CatalogStore } from '../../catalog/index.ts';
import { validateConfigEntry } from '../../policy/index.ts';
import { gatherUpstreamChain } from '../../xds/snapshot/chain.ts';
import type { EndpointSnapshot, UpstreamChain } from '../../xds/snapshot/types.ts';
import { makeEndpoint, TRUST_DOMAIN } from './fixtures.ts';

let store: CatalogStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const ENDPOINTS: Record<string, EndpointSnapshot[]> = {
  api: [makeEndpoint('10.0.0.2')],
  'api-backup': [makeEndpoint('10.0.9.1'), makeEndpoint('10.0.9.2')],
};

async function chainOf(entries: Record<string, unknown>[]): Promise<UpstreamChain> {
  store = openSqliteStore({ path: ':memory:' });
  const ops = entries.map((raw) => {
    const r = validateConfigEntry(raw);
    if (!r.ok) throw new Error(r.errors.join('; '));
    return { op: 'setConfigEntry' as const, kind: r.value.Kind, name: r.value.Name, body: { ...r.value } as Record<string, unknown> };
  });
  const w = await store.apply(ops);
  if (!w.ok) throw new Error(w.message);
  const deps = { services: [], connect: [], configEntries: [] };
  const out = gatherUpstreamChain(store, deps, { service: 'api', datacenter: 'dc1', trustDomain: TRUST_DOMAIN }, (svc) => ENDPOINTS[svc] ?? []);
  if (!out.ok) throw new Error(out.error);
  if (!out.chain) throw new Error('default chain');
  return out.chain;
}

const grpc = (name: string): Record<string, unknown> => ({ Kind: 'service-defaults', Name: name, Protocol: 'grpc' });
const sni = (name: string): string => `${name}.default.dc1.internal.${TRUST_DOMAIN}`;

it('a resolver with failover, a ring-hash balancer and a request timeout', async () => {
  const chain = await chainOf([
    grpc('api'),
    grpc('api-backup'),
    {
      Kind: 'service-resolver',
      Name: 'api',
      RequestTimeout: '2s',
      Failover: { '*': { Service: 'api-backup' } },
      LoadBalancer: { Policy: 'ring_hash', RingHashConfig: { MinimumRingSize: 1024 }, HashPolicies: [{ Field: 'header', FieldValue: 'x-user', Terminal: true }] },
    },
  ]);
  expect(chain.targets.map((t) => t.clusterName)).toEqual([sni('api')]);
  const t = chain.targets[0]!;
  expect(t.endpoints).toEqual(ENDPOINTS['api']);
  expect(t.failover).toEqual([{ clusterName: sni('api-backup'), destination: { service: 'api-backup', namespace: 'default', datacenter: 'dc1' }, endpoints: ENDPOINTS['api-backup'] }]);
  expect(t.loadBalancer).toEqual({ policy: 'ring_hash', ringHash: { minimumRingSize: 1024 } });
  expect(chain.routes).toEqual([
    {
      match: { pathPrefix: '/', headers: [], methods: [] },
      splits: [{ clusterName: sni('api'), weight: 10000 }],
      action: { timeoutMs: 2000, hashPolicies: [{ field: 'header', fieldValue: 'x-user', terminal: true }] },
    },
  ]);
});

it("a router's destination settings win over the resolver's timeout; routes without one inherit it", async () => {
  const chain = await chainOf([
    grpc('api'),
    { Kind: 'service-resolver', Name: 'api', RequestTimeout: '2s', LoadBalancer: { Policy: 'least_request', LeastRequestConfig: { ChoiceCount: 4 } } },
    {
      Kind: 'service-router',
      Name: 'api',
      Routes: [
        {
          Match: { HTTP: { PathPrefix: '/admin', QueryParam: [{ Name: 'debug', Present: true }] } },
          Destination: {
            RequestTimeout: '500ms',
            IdleTimeout: '10s',
            NumRetries: 3,
            RetryOnConnectFailure: true,
            RetryOn: ['unavailable'],
            RetryOnStatusCodes: [503],
            PrefixRewrite: '/',
            RequestHeaders: { Set: { 'x-b': '2', 'x-a': '1' }, Remove: ['x-drop'] },
          },
        },
      ],
    },
  ]);
  expect(chain.targets[0]!.loadBalancer).toEqual({ policy: 'least_request', leastRequestChoiceCount: 4 });
  expect(chain.routes.map((r) => [r.match.queryParams, r.action])).toEqual([
    [
      [{ name: 'debug', present: true }],
      {
        timeoutMs: 500,
        idleTimeoutMs: 10000,
        retry: { numRetries: 3, onConnectFailure: true, on: ['unavailable'], statusCodes: [503] },
        prefixRewrite: '/',
        requestHeaders: { add: [], set: [['x-a', '1'], ['x-b', '2']], remove: ['x-drop'] },
      },
    ],
    [undefined, { timeoutMs: 2000 }],
  ]);
});

it('a splitter carries each split\'s header rewrites to its cluster', async () => {
  const chain = await chainOf([
    grpc('api'),
    { Kind: 'service-resolver', Name: 'api', Subsets: { v1: { Filter: 'Service.Meta.version == v1' }, v2: { Filter: 'Service.Meta.version == v2' } } },
    {
      Kind: 'service-splitter',
      Name: 'api',
      Splits: [
        { Weight: 75, ServiceSubset: 'v1', RequestHeaders: { Add: { 'x-v': '1' } } },
        { Weight: 25, ServiceSubset: 'v2', ResponseHeaders: { Remove: ['x-internal'] } },
      ],
    },
  ]);
  expect(chain.routes[0]!.splits).toEqual([
    { clusterName: sni('v1.api'), weight: 7500, requestHeaders: { add: [['x-v', '1']], set: [], remove: [] } },
    { clusterName: sni('v2.api'), weight: 2500, responseHeaders: { add: [], set: [], remove: ['x-internal'] } },
  ]);
  expect(chain.routes[0]!.action).toBeUndefined();
});

describe('compiled chains are shared within one store state', () => {
  it('compiles a service once per config change and recompiles after a config write only', async () => {
    const { openSqliteStore } = await import('../../catalog/index.ts');
    const { compiledChainAt } = await import('../../xds/snapshot/chain.ts');
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.apply([{ op: 'setConfigEntry', kind: 'service-defaults', name: 'api', body: { Kind: 'service-defaults', Name: 'api', Protocol: 'http' } }]);
      const req = { service: 'api', datacenter: 'dc1', trustDomain: 'td.consul' };
      const first = compiledChainAt(store, req);
      expect(compiledChainAt(store, req)).toBe(first);
      // A catalog write is no config change: the compiled chain stays.
      await store.apply([{ op: 'upsertNode', node: { Node: 'n1', Address: '10.0.0.1', Datacenter: 'dc1' } }]);
      expect(compiledChainAt(store, req)).toBe(first);
      await store.apply([{ op: 'setConfigEntry', kind: 'service-resolver', name: 'api', body: { Kind: 'service-resolver', Name: 'api', ConnectTimeout: '2s' } }]);
      const second = compiledChainAt(store, req);
      expect(second).not.toBe(first);
      expect(second.ok && second.value.Default).toBe(false);
    } finally {
      store.close();
    }
  });
});
