import { describe, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SnapshotCache, snapshotConsistencyErrors, encodeResource, InvalidResourceError, type WatchResponse } from '../../xds/index.ts';
import { decodeAny } from './ads-client.ts';
import { makeCluster, makeEndpoints, makeListener, makeRoute } from './fixtures.ts';

describe('encodeResource', () => {
  it('encodes a cluster to an Any with a content-hash version', () => {
    const a = encodeResource(CLUSTER_TYPE, makeCluster('web'));
    const b = encodeResource(CLUSTER_TYPE, makeCluster('web'));
    const c = encodeResource(CLUSTER_TYPE, makeCluster('web', { connectTimeoutSeconds: 5 }));
    expect(a.name).toBe('web');
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
    expect(a.version).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.any.type_url).toBe(CLUSTER_TYPE);
    expect(decodeAny(a.any)).toMatchObject({ name: 'web', type: 'EDS', connect_timeout: { seconds: '1' } });
    expect(a.dependents).toEqual({ typeUrl: ENDPOINT_TYPE, names: ['web'] });
  });

  it('finds the routes a listener uses inside its HCM Any', () => {
    const l = encodeResource(LISTENER_TYPE, makeListener('echo', 'echo-routes'));
    expect(l.dependents).toEqual({ typeUrl: ROUTE_TYPE, names: ['echo-routes'] });
    const decoded = decodeAny(l.any) as { api_listener: { api_listener: { type_url: string } } };
    expect(decoded.api_listener.api_listener.type_url).toContain('HttpConnectionManager');
  });

  it('rejects an unknown top-level field, naming resource and field', () => {
    expect(() => encodeResource(CLUSTER_TYPE, { ...makeCluster('web'), conect_timeout: { seconds: 1 } })).toThrow(
      /Cluster "web": unknown field "conect_timeout"/,
    );
  });

  it('rejects an unknown field nested inside a typed_config Any', () => {
    const l = makeListener('echo', 'r') as { api_listener: { api_listener: Record<string, unknown> } };
    l.api_listener.api_listener['stat_prefx'] = 'x';
    expect(() => encodeResource(LISTENER_TYPE, l)).toThrow(/unknown field "api_listener.api_listener.stat_prefx"/);
  });

  it('rejects wrong scalar types, bad enum names and unknown @type', () => {
    expect(() => encodeResource(CLUSTER_TYPE, { ...makeCluster('web'), lb_policy: 'FASTEST' })).toThrow(/lb_policy: "FASTEST" is not a value of enum/);
    expect(() => encodeResource(ENDPOINT_TYPE, { cluster_name: 'x', endpoints: [{ priority: 'high' }] })).toThrow(/endpoints\[0\]\.priority: expected an integer/);
    const l = makeListener('echo', 'r') as { api_listener: { api_listener: Record<string, unknown> } };
    l.api_listener.api_listener['@type'] = 'type.googleapis.com/envoy.nope.Nothing';
    expect(() => encodeResource(LISTENER_TYPE, l)).toThrow(/unknown message type/);
    expect(() => encodeResource(CLUSTER_TYPE, { type: 'EDS' })).toThrow(InvalidResourceError);
  });
});

describe('SnapshotCache', () => {
  const watch = (cache: SnapshotCache, names: string[] | '*', known = new Map<string, string>()) => {
    const answers: WatchResponse[] = [];
    const cancel = cache.createWatch(
      { nodeId: 'n1', typeUrl: CLUSTER_TYPE, wildcard: names === '*', names: new Set(names === '*' ? [] : names), knownVersions: known },
      (r) => answers.push(r),
    );
    return { answers, cancel };
  };

  it('encodes a shared object once across nodes and keeps versions on identical re-sets', () => {
    const cache = new SnapshotCache();
    const shared = makeCluster('web');
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [shared] });
    cache.setSnapshot('n2', { [CLUSTER_TYPE]: [shared] });
    expect(cache.stats().encodings).toBe(1);
    const first = cache.getSnapshot('n1')?.get(CLUSTER_TYPE)?.get('web');
    // An equal but distinct object is recognised by its content: not encoded again, the held Resource is reused.
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('web')] });
    const again = cache.getSnapshot('n1')?.get(CLUSTER_TYPE)?.get('web');
    expect(again).toBe(first);
    expect(cache.stats().encodings).toBe(1);
    cache.setSnapshot('n3', { [CLUSTER_TYPE]: [makeCluster('web', { connectTimeoutSeconds: 7 })] });
    expect(cache.stats().encodings).toBe(2);
    expect(again?.any.value).toBe(cache.getSnapshot('n2')?.get(CLUSTER_TYPE)?.get('web')?.any.value);
  });

  it('answers a watch only when a subscribed resource is newer than known', () => {
    const cache = new SnapshotCache();
    const w = watch(cache, ['web']);
    expect(w.answers).toHaveLength(0);
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('other')] });
    expect(w.answers).toHaveLength(0);
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('other'), makeCluster('web')] });
    expect(w.answers).toHaveLength(1);
    expect([...w.answers[0]!.resources.keys()]).toEqual(['web']);
    const version = w.answers[0]!.resources.get('web')!.version;
    const w2 = watch(cache, ['web'], new Map([['web', version]]));
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('web'), makeCluster('other')] });
    expect(w2.answers).toHaveLength(0);
    expect(cache.stats().watches).toBe(1);
    w2.cancel();
    expect(cache.stats().watches).toBe(0);
  });

  it('reports removals of known resources', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('a'), makeCluster('b')] });
    const known = new Map([...cache.getSnapshot('n1')!.get(CLUSTER_TYPE)!].map(([n, r]) => [n, r.version]));
    const w = watch(cache, '*', known);
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('a')] });
    expect(w.answers[0]?.removed).toEqual(['b']);
  });

  it('applies nothing when one resource is invalid', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('a')] });
    expect(() => cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('b'), { name: 'c', bogus: 1 }] })).toThrow(/Cluster "c": unknown field "bogus"/);
    expect([...cache.getSnapshot('n1')!.get(CLUSTER_TYPE)!.keys()]).toEqual(['a']);
    expect(() => cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('a'), makeCluster('a', { connectTimeoutSeconds: 3 })] })).toThrow(/appears twice/);
  });

  it('replaces one type of a node, keeping the other types as they were and waking only that type', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n1', { [CLUSTER_TYPE]: [makeCluster('web')], [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.0.0.1', port: 80 }])] });
    const clusters = cache.getSnapshot('n1')!.get(CLUSTER_TYPE);
    const known = new Map([...cache.getSnapshot('n1')!.get(CLUSTER_TYPE)!].map(([n, r]) => [n, r.version]));
    const w = watch(cache, '*', known);
    const change = cache.replaceType('n1', ENDPOINT_TYPE, [makeEndpoints('web', [{ host: '10.0.0.2', port: 80 }])]);
    expect(change).toEqual({ [ENDPOINT_TYPE]: { updated: ['web'], removed: [] } });
    expect(cache.getSnapshot('n1')!.get(CLUSTER_TYPE)).toBe(clusters);
    expect(JSON.stringify(decodeAny(cache.getSnapshot('n1')!.get(ENDPOINT_TYPE)!.get('web')!.any))).toContain('10.0.0.2');
    expect(w.answers).toHaveLength(0);
    expect(() => cache.replaceType('n1', ENDPOINT_TYPE, [{ cluster_name: 'web', bogus: 1 }])).toThrow(/unknown field "bogus"/);
    expect(JSON.stringify(decodeAny(cache.getSnapshot('n1')!.get(ENDPOINT_TYPE)!.get('web')!.any))).toContain('10.0.0.2');
    cache.replaceType('n1', CLUSTER_TYPE, [makeCluster('web', { connectTimeoutSeconds: 9 })]);
    expect(w.answers).toHaveLength(1);
  });

  it('accepts pre-encoded resources', () => {
    const cache = new SnapshotCache();
    const r = encodeResource(ENDPOINT_TYPE, makeEndpoints('web', [{ host: '10.0.0.1', port: 80 }]));
    cache.setSnapshot('n1', { [ENDPOINT_TYPE]: [r] });
    expect(cache.getSnapshot('n1')?.get(ENDPOINT_TYPE)?.get('web')).toBe(r);
    expect(cache.stats().encodings).toBe(0);
  });
});

describe('snapshotConsistencyErrors', () => {
  it('names every cluster without endpoints and listener without routes', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', {
      [CLUSTER_TYPE]: [makeCluster('web'), makeCluster('api')],
      [ENDPOINT_TYPE]: [makeEndpoints('web', [])],
      [LISTENER_TYPE]: [makeListener('web', 'web-routes'), makeListener('api', 'api-routes')],
      [ROUTE_TYPE]: [makeRoute('web-routes', 'web')],
    });
    expect(snapshotConsistencyErrors(cache.getSnapshot('n')!)).toEqual([
      'Cluster "api" needs endpoints "api", which is not in the snapshot',
      'Listener "api" needs routes "api-routes", which is not in the snapshot',
    ]);
  });
});

describe('content that comes back', () => {
  it('is found, not encoded again, after the Resource no node held was garbage-collected', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = new URL('./fixtures/content-comes-back.ts', import.meta.url).pathname;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8' })) as { before: number; after: number };
    expect(out.before).toBe(2);
    expect(out.after).toBe(2);
  });
});
