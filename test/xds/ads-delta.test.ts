import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tallyOf } from '../../xds/index.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/index.ts';
import { decodeAny, makeNode, type AdsTestStream, type DeltaResponse } from './ads-client.ts';
import type { DeltaDiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import { makeCluster, makeEndpoints } from './fixtures.ts';
import { meshSnapshot, startXds, type XdsHarness } from './harness.ts';

type Delta = AdsTestStream<DeltaDiscoveryRequest, DeltaResponse>;

const names = (r: DeltaResponse): string[] => (r.resources ?? []).map((x) => x.name ?? '').sort();
const versions = (r: DeltaResponse): Record<string, string> => Object.fromEntries((r.resources ?? []).map((x) => [x.name ?? '', x.version ?? '']));
const short = (r: DeltaResponse): string => r.type_url!.split('.').pop()!;

function ack(s: Delta, r: DeltaResponse, error?: string): void {
  s.send({ type_url: r.type_url, response_nonce: r.nonce, ...(error ? { error_detail: { code: 3, message: error } } : {}) });
}

describe('delta ADS', () => {
  let h: XdsHarness;
  beforeEach(async () => {
    h = await startXds();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a wildcard CDS subscription and a named EDS one, with the resource bodies', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const cds = await s.next();
    expect(names(cds)).toEqual(['api', 'web']);
    expect(cds.removed_resources).toEqual([]);
    const web = cds.resources!.find((r) => r.name === 'web')!;
    expect(decodeAny(web.resource!)).toMatchObject({ name: 'web', type: 'EDS' });
    ack(s, cds);
    s.send({ type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web'] });
    const eds = await s.next();
    expect(names(eds)).toEqual(['web']);
    ack(s, eds);
    await h.replied('n', 'endpoints', eds.nonce);
    const proxy = (await h.proxies())[0]!;
    expect(proxy.Mode).toBe('delta');
    expect(proxy.Types['endpoints']).toMatchObject({ Wildcard: false, Subscribed: ['web'], Resources: ['web'], LastAcked: { Nonce: eds.nonce } });
  });

  it('pushes only what changed, and stops after unsubscribe', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web', 'api'] });
    const first = await s.next();
    expect(names(first)).toEqual(['api', 'web']);
    ack(s, first);
    h.cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.1.1.1', port: 1 }]), makeEndpoints('api', [{ host: '10.0.0.1', port: 8001 }])] });
    const update = await s.next();
    expect(names(update)).toEqual(['web']);
    s.send({ type_url: ENDPOINT_TYPE, response_nonce: update.nonce, resource_names_unsubscribe: ['web'] });
    await h.replied('n', 'endpoints', update.nonce);
    h.cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.2.2.2', port: 2 }]), makeEndpoints('api', [{ host: '10.0.0.1', port: 8001 }])] });
    await s.expectSilence();
    expect((await h.proxies())[0]!.Types['endpoints']).toMatchObject({ Subscribed: ['api'], Resources: ['api'] });
  });

  it('sends removed_resources when a resource goes away', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: LISTENER_TYPE });
    ack(s, await s.next());
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const r = await s.next();
    expect(r.resources).toEqual([]);
    expect(r.removed_resources).toEqual(['api']);
  });

  it('remembers a subscribed name that does not exist and sends it when it appears', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: ROUTE_TYPE, resource_names_subscribe: ['later-routes'] });
    await s.expectSilence();
    h.cache.setSnapshot('n', meshSnapshot(['web', 'later']));
    const r = await s.next();
    expect(names(r)).toEqual(['later-routes']);
  });

  it('records a NACK without resending, and sends the next good version', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const good = await s.next();
    ack(s, good);
    await h.replied('n', 'clusters', good.nonce);
    h.cache.setSnapshot('n', meshSnapshot(['web'], 2));
    const bad = await s.next();
    ack(s, bad, 'rejected: bad timeout');
    await h.replied('n', 'clusters', bad.nonce);
    await s.expectSilence();
    const status = (await h.proxies())[0]!.Types['clusters']!;
    expect(status.LastAcked?.Nonce).toBe(good.nonce);
    expect(status.LastNack).toMatchObject({ Nonce: bad.nonce, Message: 'rejected: bad timeout' });
    // The metrics tally, read from stream state, agrees with the statuses: one stream whose latest CDS reply is a NACK.
    const tally = h.server.streamTally();
    expect(tally).toEqual(tallyOf(h.server.proxies()));
    expect(tally.nacked.get('clusters')).toBe(1);
    expect(tally.unacked.get('clusters')).toBeUndefined();
    h.cache.setSnapshot('n', meshSnapshot(['web'], 3));
    const next = await s.next();
    expect(versions(next)['web']).not.toBe(versions(bad)['web']);
  });

  it('ignores an ACK of a nonce that is not the latest, but keeps its subscription change', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web'] });
    const first = await s.next();
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api'], 2));
    const second = await s.next();
    s.send({ type_url: ENDPOINT_TYPE, response_nonce: first.nonce, error_detail: { code: 3, message: 'late NACK' }, resource_names_subscribe: ['api'] });
    const third = await s.next();
    expect(names(third)).toEqual(['api']);
    const status = (await h.proxies())[0]!.Types['endpoints']!;
    expect(status.LastNack).toBeNull();
    expect(status.StaleRequests).toBe(1);
    expect(second.nonce).not.toBe(first.nonce);
  });

  it('honours initial_resource_versions on reconnect', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const c = h.client();
    const s1 = c.delta();
    s1.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const had = versions(await s1.next());
    s1.close();
    h.cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [CLUSTER_TYPE]: [makeCluster('web'), makeCluster('api', { connectTimeoutSeconds: 4 })] });
    const s2 = c.delta();
    s2.send({
      node: makeNode('n'),
      type_url: CLUSTER_TYPE,
      initial_resource_versions: { web: had['web']!, api: had['api']!, gone: 'v0' },
    });
    const r = await s2.next();
    expect(names(r)).toEqual(['api']);
    expect(r.removed_resources).toEqual([]);
    // Cluster removals travel in their own, last, response.
    const removal = await s2.next();
    expect(removal.resources).toEqual([]);
    expect(removal.removed_resources).toEqual(['gone']);
  });

  it('pushes a change touching every type in make-before-break order, removals last', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'old']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    ack(s, await s.next());
    s.send({ type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web', 'old', 'new'] });
    ack(s, await s.next());
    s.send({ type_url: LISTENER_TYPE });
    ack(s, await s.next());
    s.send({ type_url: ROUTE_TYPE, resource_names_subscribe: ['web-routes', 'old-routes', 'new-routes'] });
    ack(s, await s.next());

    h.cache.setSnapshot('n', meshSnapshot(['web', 'new'], 2));
    const got: Array<[string, string[], string[]]> = [];
    for (let i = 0; i < 6; i++) {
      const r = await s.next();
      got.push([short(r), names(r), r.removed_resources ?? []]);
    }
    expect(got).toEqual([
      ['Cluster', ['new', 'web'], []],
      ['ClusterLoadAssignment', ['new', 'web'], []],
      // The web listener did not change: only its route (new domains) is sent.
      ['Listener', ['new'], ['old']],
      ['RouteConfiguration', ['new-routes', 'web-routes'], ['old-routes']],
      ['Cluster', [], ['old']],
      ['ClusterLoadAssignment', [], ['old']],
    ]);
    await s.expectSilence();
  });

  it('resends a listener\'s route when the listener changes', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: LISTENER_TYPE });
    ack(s, await s.next());
    s.send({ type_url: ROUTE_TYPE, resource_names_subscribe: ['web-routes'] });
    const rds = await s.next();
    ack(s, rds);
    const snap = meshSnapshot(['web']);
    h.cache.setSnapshot('n', { ...snap, [LISTENER_TYPE]: [{ ...(snap[LISTENER_TYPE] as object[])[0]!, stat_prefix: 'changed' }] });
    const lds = await s.next();
    expect(short(lds)).toBe('Listener');
    const again = await s.next();
    expect(short(again)).toBe('RouteConfiguration');
    expect(versions(again)).toEqual(versions(rds));
  });

  it('shares one encoding between two delta streams', async () => {
    h.cache.setSnapshot('n', { [CLUSTER_TYPE]: [makeCluster('web')] });
    expect(h.cache.stats().encodings).toBe(1);
    const a = h.client().delta();
    const b = h.client().delta();
    a.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    b.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const [ra, rb] = await Promise.all([a.next(), b.next()]);
    expect(ra.resources![0]!.resource!.value).toEqual(rb.resources![0]!.resource!.value);
    expect(h.cache.stats().encodings).toBe(1);
  });
});
