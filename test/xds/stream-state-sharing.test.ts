/**
 * A stream shares the cache's resource map as what its proxy holds when the
 * proxy is in step with its snapshot; everything that changes what one proxy
 * holds must then copy it first, never touch the cache or another stream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SnapshotCache, type WatchRequest, type WatchResponse } from '../../xds/index.ts';
import type { ClientStatusResponse } from '../../xds/generated/envoy/service/status/v3/ClientStatusResponse.ts';
import { compactNode } from '../../xds/server/compact-node.ts';
import type { DeltaDiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import type { Node__Output } from '../../xds/generated/envoy/config/core/v3/Node.ts';
import { CsdsTestClient, makeNode, type AdsTestStream, type DeltaResponse } from './ads-client.ts';
import { makeEndpoints } from './fixtures.ts';
import { meshSnapshot, startXds, type XdsHarness } from './harness.ts';

type Delta = AdsTestStream<DeltaDiscoveryRequest, DeltaResponse>;
const names = (r: DeltaResponse): string[] => (r.resources ?? []).map((x) => x.name ?? '').sort();
const ack = (s: Delta, r: DeltaResponse): void => s.send({ type_url: r.type_url, response_nonce: r.nonce });

function answerOf(cache: SnapshotCache, request: WatchRequest): WatchResponse {
  let got: WatchResponse | undefined;
  cache.createWatch(request, (r) => (got = r))();
  if (!got) throw new Error('no answer');
  return got;
}

describe('what a stream holds, shared with the cache', () => {
  let h: XdsHarness;
  beforeEach(async () => {
    h = await startXds();
  });
  afterEach(async () => {
    await h.close();
  });

  it('unsubscribing a held name changes that stream only, not the snapshot nor a sibling stream', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const streams: Delta[] = [];
    for (let i = 0; i < 2; i++) {
      const s = h.client().delta();
      // Both names: the subscription covers the snapshot's whole endpoint map.
      s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web', 'api'] });
      const first = await s.next();
      expect(names(first)).toEqual(['api', 'web']);
      ack(s, first);
      streams.push(s);
    }
    const [a, b] = streams as [Delta, Delta];
    a.send({ type_url: ENDPOINT_TYPE, resource_names_unsubscribe: ['web'] });
    await a.expectSilence(150);
    expect([...(h.cache.getSnapshot('n')?.get(ENDPOINT_TYPE)?.keys() ?? [])].sort()).toEqual(['api', 'web']);
    const held = (await h.proxies()).map((p) => p.Types['endpoints']?.Resources);
    expect(held).toEqual([['api'], ['api', 'web']]);

    h.cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.9.9.9', port: 9 }]), makeEndpoints('api', [{ host: '10.0.0.1', port: 8001 }])] });
    expect(names(await b.next())).toEqual(['web']);
    await a.expectSilence();
    // Subscribing again to what it dropped brings it back.
    a.send({ type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web'] });
    expect(names(await a.next())).toEqual(['web']);
  });

  it('a delta client subscribing again to a held name gets it again; its sibling is not resent anything', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const a = h.client().delta();
    const b = h.client().delta();
    for (const s of [a, b]) {
      s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
      ack(s, await s.next());
    }
    a.send({ type_url: CLUSTER_TYPE, resource_names_subscribe: ['web'] });
    expect(names(await a.next())).toEqual(['web']);
    await b.expectSilence(150);
    expect((await h.proxies()).map((p) => p.Types['clusters']?.Resources)).toEqual([
      ['api', 'web'],
      ['api', 'web'],
    ]);
  });

  it('declared versions of a reconnecting delta client count as held until something is sent for them', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const s = h.client().delta();
    // Listeners: their removals travel in the same response (cluster removals wait for a later one).
    s.send({ node: makeNode('n'), type_url: LISTENER_TYPE, initial_resource_versions: { web: 'old', gone: 'v0' } });
    const first = await s.next();
    expect(names(first)).toEqual(['api', 'web']);
    expect(first.removed_resources).toEqual(['gone']);
    ack(s, first);
    await h.replied('n', 'listeners', first.nonce);
    const proxy = await h.proxy('n');
    expect(proxy.Types['listeners']?.Resources).toEqual(['api', 'web']);
    expect(proxy).toMatchObject({ Backlogged: false, SkippedPushes: 0 });
    await s.expectSilence(150);
  });
});

describe('declared versions and CSDS', () => {
  let h: XdsHarness;
  let csds: CsdsTestClient | undefined;
  beforeEach(async () => {
    h = await startXds();
  });
  afterEach(async () => {
    csds?.close();
    csds = undefined;
    await h.close();
  });

  function fetchStatus(request: Record<string, unknown>): Promise<ClientStatusResponse> {
    csds ??= new CsdsTestClient(h.address);
    return csds.fetch(request);
  }

  /** Waits until the server has seen the first connection go, so CSDS shows the second alone. */
  async function oneStreamLeft(): Promise<void> {
    for (let i = 0; i < 300 && (await h.proxies()).length !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await h.proxies()).toHaveLength(1);
  }

  it('a reconnected proxy that declared the current versions is shown holding those resources once answered', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const first = h.client().delta();
    first.send({ node: makeNode('n'), type_url: LISTENER_TYPE });
    const had = Object.fromEntries(((await first.next()).resources ?? []).map((r) => [r.name ?? '', r.version ?? '']));
    first.close();
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: LISTENER_TYPE, initial_resource_versions: had });
    // Nothing differs: the wildcard subscription's first answer is empty.
    const r = await s.next();
    expect(r.resources).toEqual([]);
    ack(s, r);
    await h.replied('n', 'listeners', r.nonce);
    await oneStreamLeft();
    const res = await fetchStatus({ node_matchers: [{ node_id: { exact: 'n' } }] });
    const held = (res.config ?? []).flatMap((c) => c.generic_xds_configs ?? []).map((g) => [g.name, g.version_info, g.client_status]);
    expect(held.sort()).toEqual([
      ['api', had['api'], 'ACKED'],
      ['web', had['web'], 'ACKED'],
    ]);
    await s.expectSilence(150);
  });

  it('named subscriptions whose declared versions are current send nothing, and the proxy is shown holding them', async () => {
    h.cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const first = h.client().delta();
    first.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web', 'api'] });
    const had = Object.fromEntries(((await first.next()).resources ?? []).map((r) => [r.name ?? '', r.version ?? '']));
    first.close();
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: ENDPOINT_TYPE, resource_names_subscribe: ['web', 'api'], initial_resource_versions: had });
    await s.expectSilence();
    await oneStreamLeft();
    const res = await fetchStatus({ node_matchers: [{ node_id: { exact: 'n' } }] });
    const held = (res.config ?? []).flatMap((c) => c.generic_xds_configs ?? []).map((g) => [g.name, g.version_info]);
    expect(held.sort()).toEqual([
      ['api', had['api']],
      ['web', had['web']],
    ]);
    // A later change is sent as usual.
    h.cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.9.9.9', port: 9 }]), makeEndpoints('api', [{ host: '10.0.0.1', port: 8001 }])] });
    expect(names(await s.next())).toEqual(['web']);
  });
});

describe('SnapshotCache maps', () => {
  it('answers a wildcard or all-covering subscription with the snapshot\'s own map, and keeps an unchanged type\'s map across snapshots', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const clusters = cache.getSnapshot('n')!.get(CLUSTER_TYPE)!;
    const request = (typeUrl: typeof CLUSTER_TYPE | typeof ENDPOINT_TYPE, wildcard: boolean, names: string[]): WatchRequest => ({
      nodeId: 'n',
      typeUrl,
      wildcard,
      names: new Set(names),
      knownVersions: new Map(),
      answerWhenEmpty: true,
    });
    expect(answerOf(cache, request(CLUSTER_TYPE, true, [])).resources).toBe(clusters);
    const endpoints = cache.getSnapshot('n')!.get(ENDPOINT_TYPE)!;
    expect(answerOf(cache, request(ENDPOINT_TYPE, false, ['web', 'api', 'missing'])).resources).toBe(endpoints);
    const some = answerOf(cache, request(ENDPOINT_TYPE, false, ['web'])).resources;
    expect(some).not.toBe(endpoints);
    expect([...some.keys()]).toEqual(['web']);

    const change = cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: [makeEndpoints('web', [{ host: '10.9.9.9', port: 9 }])] });
    expect(Object.keys(change)).toEqual([ENDPOINT_TYPE]);
    expect(cache.getSnapshot('n')!.get(CLUSTER_TYPE)).toBe(clusters);
    expect(cache.getSnapshot('n')!.get(LISTENER_TYPE)).toBeDefined();
    expect(cache.getSnapshot('n')!.get(ENDPOINT_TYPE)).not.toBe(endpoints);
  });
});

describe('compactNode', () => {
  it('drops the arrays and maps that arrived empty and keeps everything the proxy said', () => {
    const decoded = {
      id: 'web-1',
      cluster: 'web',
      extensions: [],
      client_features: [],
      listening_addresses: [],
      dynamic_parameters: {},
      locality: { region: 'eu' },
      metadata: { fields: { proxyless: { stringValue: 'true' }, empty: { structValue: { fields: {} } }, list: { listValue: { values: [] } } } },
    } as unknown as Node__Output;
    expect(compactNode(decoded)).toEqual({
      id: 'web-1',
      cluster: 'web',
      locality: { region: 'eu' },
      metadata: { fields: { proxyless: { stringValue: 'true' }, empty: { structValue: {} }, list: { listValue: {} } } },
    });
  });
});

describe('XdsServer.close', () => {
  it('ends the streams of connected proxies (channelz is off, the connections are destroyed all the same)', async () => {
    const h = await startXds();
    h.cache.setSnapshot('n', meshSnapshot(['web']));
    const s = h.client().delta();
    s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    await s.next();
    await h.server.close();
    const outcome = await Promise.race([s.ended().then((err) => err?.code), new Promise((r) => setTimeout(() => r('still connected'), 3000))]);
    expect(typeof outcome).toBe('number');
    await h.close();
  });
});
