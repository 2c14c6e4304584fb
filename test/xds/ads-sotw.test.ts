import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/index.ts';
import { decodeAny, makeNode, type AdsTestStream, type SotwResponse } from './ads-client.ts';
import type { DiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
import { makeCluster, makeEndpoints } from './fixtures.ts';
import { meshSnapshot, startXds, type XdsHarness } from './harness.ts';

type Sotw = AdsTestStream<DiscoveryRequest, SotwResponse>;

const names = (r: SotwResponse): string[] =>
  (r.resources ?? []).map((a) => {
    const o = decodeAny(a);
    return String(o['name'] ?? o['cluster_name']);
  });

/** ACKs (or NACKs) a response, keeping or changing the subscription. */
function reply(s: Sotw, r: SotwResponse, resourceNames: string[] = [], error?: string): void {
  s.send({
    type_url: r.type_url,
    version_info: error ? '' : r.version_info,
    response_nonce: r.nonce,
    resource_names: resourceNames,
    ...(error ? { error_detail: { code: 3, message: error } } : {}),
  });
}

describe('state-of-the-world ADS', () => {
  let h: XdsHarness;
  beforeEach(async () => {
    h = await startXds();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a wildcard CDS request with every cluster and records the ACK', async () => {
    h.cache.setSnapshot('sidecar-1', meshSnapshot(['web', 'api']));
    const s = h.client().sotw();
    s.send({ node: makeNode('sidecar-1'), type_url: CLUSTER_TYPE, resource_names: [] });
    const r = await s.next();
    expect(r.type_url).toBe(CLUSTER_TYPE);
    expect(names(r).sort()).toEqual(['api', 'web']);
    expect(r.nonce).toBeTruthy();
    reply(s, r);
    await h.replied('sidecar-1', 'clusters', r.nonce);
    await s.expectSilence();
    const [proxy] = await h.proxies();
    expect(proxy).toMatchObject({ NodeID: 'sidecar-1', Flavour: 'envoy', Mode: 'sotw' });
    expect(proxy!.Types['clusters']).toMatchObject({
      Wildcard: true,
      Resources: ['api', 'web'],
      LastSent: { Version: r.version_info, Nonce: r.nonce },
      LastAcked: { Version: r.version_info, Nonce: r.nonce },
      LastNack: null,
    });
  });

  it('answers an empty wildcard subscription once the node has a snapshot', async () => {
    const s = h.client().sotw();
    s.send({ node: makeNode('early'), type_url: LISTENER_TYPE });
    await s.expectSilence();
    h.cache.setSnapshot('early', {});
    const r = await s.next();
    expect(r.type_url).toBe(LISTENER_TYPE);
    expect(r.resources).toEqual([]);
  });

  it('serves named EDS subscriptions, remembers missing names and sends them when they appear', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names: ['web', 'later'] });
    const r1 = await s.next();
    expect(names(r1)).toEqual(['web']);
    reply(s, r1, ['web', 'later']);
    await s.expectSilence();
    h.cache.setSnapshot('n', meshSnapshot(['web', 'later']));
    const r2 = await s.next();
    expect(names(r2).sort()).toEqual(['later', 'web']);
  });

  it('pushes updates with every resource of the subscription, and removals as absence', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    reply(s, await s.next());
    const updated = { ...meshSnapshot(['web', 'api']), [CLUSTER_TYPE]: [makeCluster('web', { connectTimeoutSeconds: 9 }), makeCluster('api')] };
    h.cache.setSnapshot('n', updated);
    const update = await s.next();
    expect(names(update).sort()).toEqual(['api', 'web']);
    reply(s, update);
    h.cache.setSnapshot('n', { ...updated, [CLUSTER_TYPE]: [makeCluster('web', { connectTimeoutSeconds: 9 })] });
    const removal = await s.next();
    expect(names(removal)).toEqual(['web']);
    reply(s, removal);
    await s.expectSilence();
  });

  it('sends nothing when a snapshot with identical resources is set again', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const r = await s.next();
    reply(s, r);
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    await s.expectSilence();
  });

  it('records a NACK, keeps the last ACKed version and never resends the rejected config', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const good = await s.next();
    reply(s, good);
    await h.replied('n', 'clusters', good.nonce);
    h.cache.setSnapshot('n', meshSnapshot(['web'], 2));
    const bad = await s.next();
    reply(s, bad, [], 'cluster web: connect_timeout too large');
    await h.replied('n', 'clusters', bad.nonce);
    await s.expectSilence();
    const types = (await h.proxies())[0]!.Types['clusters']!;
    expect(types.LastAcked).toMatchObject({ Version: good.version_info, Nonce: good.nonce });
    expect(types.LastNack).toMatchObject({ Version: bad.version_info, Nonce: bad.nonce, Message: 'cluster web: connect_timeout too large', Code: 3 });
    // A fixed config goes out again.
    h.cache.setSnapshot('n', meshSnapshot(['web'], 3));
    const fixed = await s.next();
    expect(fixed.version_info).not.toBe(bad.version_info);
  });

  it('ignores a request whose nonce is not the latest sent for its type', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names: ['web'] });
    const first = await s.next();
    reply(s, first, ['web']);
    await h.replied('n', 'endpoints', first.nonce);
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api'], 2));
    const second = await s.next();
    // A late request still carrying the first nonce asks for more names: ignored.
    reply(s, first, ['web', 'api']);
    await s.expectSilence();
    reply(s, second, ['web', 'api']);
    const third = await s.next();
    expect(names(third).sort()).toEqual(['api', 'web']);
    expect((await h.proxies())[0]!.Types['endpoints']).toMatchObject({ StaleRequests: 1, Subscribed: ['api', 'web'] });
  });

  it('pushes one change in make-before-break order, removing clusters and endpoints last', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'old']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    reply(s, await s.next());
    s.send({ type_url: ENDPOINT_TYPE, resource_names: ['web', 'old'] });
    reply(s, await s.next(), ['web', 'old']);
    s.send({ type_url: LISTENER_TYPE });
    reply(s, await s.next());
    s.send({ type_url: ROUTE_TYPE, resource_names: ['web-routes', 'old-routes'] });
    reply(s, await s.next(), ['web-routes', 'old-routes']);

    h.cache.setSnapshot('n', meshSnapshot(['web', 'new'], 2));
    const got: Array<[string, string[]]> = [];
    for (let i = 0; i < 6; i++) {
      const r = await s.next();
      got.push([r.type_url!.split('.').pop()!, names(r).sort()]);
    }
    expect(got).toEqual([
      // The removed cluster stays until listeners and routes no longer use it.
      ['Cluster', ['new', 'old', 'web']],
      ['ClusterLoadAssignment', ['old', 'web']],
      ['Listener', ['new', 'web']],
      ['RouteConfiguration', ['web-routes']],
      ['Cluster', ['new', 'web']],
      ['ClusterLoadAssignment', ['web']],
    ]);
  });

  it('resends endpoints when their cluster changes even if they did not', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().sotw();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    reply(s, await s.next());
    s.send({ type_url: ENDPOINT_TYPE, resource_names: ['web'] });
    const eds = await s.next();
    reply(s, eds, ['web']);
    const snap = meshSnapshot(['web']);
    h.cache.setSnapshot('n', { ...snap, [CLUSTER_TYPE]: [makeCluster('web', { connectTimeoutSeconds: 7 })] });
    const cds = await s.next();
    expect(cds.type_url).toBe(CLUSTER_TYPE);
    const eds2 = await s.next();
    expect(eds2.type_url).toBe(ENDPOINT_TYPE);
    expect(eds2.version_info).toBe(eds.version_info);
    expect(names(eds2)).toEqual(['web']);
  });

  it('encodes a resource once for two streams', async () => {
    h.cache.setSnapshot('n', { [CLUSTER_TYPE]: [makeCluster('web')], [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.0.0.9', port: 80 }])] });
    const before = h.cache.stats().encodings;
    expect(before).toBe(2);
    const a = h.client().sotw();
    const b = h.client().sotw();
    a.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    b.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const [ra, rb] = await Promise.all([a.next(), b.next()]);
    expect(ra.resources![0]!.value).toEqual(rb.resources![0]!.value);
    expect(h.cache.stats().encodings).toBe(before);
    expect(await h.proxies()).toHaveLength(2);
  });

  it('tells proxyless gRPC apart from Envoy', async () => {
    h.cache.setSnapshot('g', {});
    const s = h.client().sotw();
    s.send({ node: makeNode('g', 'grpc'), type_url: LISTENER_TYPE, resource_names: ['echo'] });
    expect(await h.proxy('g')).toMatchObject({ NodeID: 'g', Flavour: 'grpc', UserAgent: 'grpc-node-js' });
  });

  it('rejects a stream whose first request has no node id', async () => {
    const s = h.client().sotw();
    s.send({ type_url: CLUSTER_TYPE });
    const err = await s.ended();
    expect(err?.message).toMatch(/INVALID_ARGUMENT: node.id is required/);
  });
});
