/**
 * Change committed → ACK: the cache hands a change's commit time to the
 * answers it causes, the stream keeps it until the proxy replies to what
 * carried it, and an ACK (never a NACK) lands in
 * `switchboard_xds_convergence_seconds`. Also the server's traffic totals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../cli/logger.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SnapshotCache, XdsServer, type WatchRequest, type WatchResponse } from '../../../xds/index.ts';
import type { HistogramValue } from '../../../xds/metrics.ts';
import { makeNode, type DeltaResponse } from '../ads-client.ts';
import { makeEndpoints } from '../fixtures.ts';
import { meshSnapshot } from '../harness.ts';
import { PausableAdsStream } from './pausable-client.ts';
import { mergeAnswers } from '../../../xds/server/pending-answers.ts';

const watch = (nodeId: string, typeUrl: WatchRequest['typeUrl'], names: string[] = [], known = new Map<string, string>()): WatchRequest => ({
  nodeId,
  typeUrl,
  wildcard: names.length === 0,
  names: new Set(names),
  knownVersions: known,
});

/** Opens a watch and returns a getter of its answer (undefined while unanswered). */
function open(cache: SnapshotCache, req: WatchRequest): () => WatchResponse | undefined {
  let got: WatchResponse | undefined;
  cache.createWatch(req, (r) => (got = r));
  return () => got;
}

const versionsOf = (r: WatchResponse): Map<string, string> => new Map([...r.resources.values()].map((x) => [x.name, x.version]));

describe('SnapshotCache: commit time of a change', () => {
  it('puts `since` on the answers a change causes, once', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', meshSnapshot(['web']));
    const first = open(cache, watch('n', CLUSTER_TYPE))();
    expect(first).toBeDefined();
    expect(first!.since).toBeUndefined();
    const second = open(cache, watch('n', CLUSTER_TYPE, [], versionsOf(first!)));
    cache.setSnapshot('n', meshSnapshot(['web'], 2), { since: 1234 });
    expect(second()?.since).toBe(1234);
    const third = open(cache, watch('n', CLUSTER_TYPE, [], versionsOf(second()!)));
    cache.setSnapshot('n', meshSnapshot(['web'], 3));
    expect(third()).toBeDefined();
    expect(third()!.since).toBeUndefined();
  });

  it('keeps the earliest undelivered time for a stream between an answer and its next watch', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', meshSnapshot(['web']));
    // The node is watched (listeners), but no cluster watch is open right now.
    open(cache, watch('n', LISTENER_TYPE, [], versionsOf(cache.fetch(watch('n', LISTENER_TYPE))!)));
    const held = versionsOf(cache.fetch(watch('n', CLUSTER_TYPE))!);
    cache.setSnapshot('n', meshSnapshot(['web'], 2), { since: 500 });
    cache.setSnapshot('n', meshSnapshot(['web'], 3), { since: 700 });
    const answer = open(cache, watch('n', CLUSTER_TYPE, [], held))();
    expect(answer?.since).toBe(500);
    // Delivered: the next answer of the type does not carry it again.
    expect(cache.fetch(watch('n', CLUSTER_TYPE))!.since).toBeUndefined();
  });

  it('drops a time no open watch was waiting for, and keeps none for a node nobody watches', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    const known = versionsOf(cache.fetch(watch('n', ENDPOINT_TYPE, ['web']))!);
    const web = open(cache, watch('n', ENDPOINT_TYPE, ['web'], known));
    // Only api's endpoints change: the watch on web does not answer, and that time is gone.
    const endpoints = [makeEndpoints('web', [{ host: '10.0.0.1', port: 8001 }]), makeEndpoints('api', [{ host: '10.9.9.9', port: 9 }])];
    cache.setSnapshot('n', { ...meshSnapshot(['web', 'api']), [ENDPOINT_TYPE]: endpoints }, { since: 100 });
    expect(web()).toBeUndefined();
    cache.setSnapshot('n', meshSnapshot(['web', 'api'], 2), { since: 200 });
    expect(web()?.since).toBe(200);

    cache.setSnapshot('lonely', meshSnapshot(['web']), { since: 300 });
    cache.setSnapshot('lonely', meshSnapshot(['web'], 2), { since: 400 });
    expect(open(cache, watch('lonely', CLUSTER_TYPE))()!.since).toBeUndefined();
  });
});

describe('mergeAnswers', () => {
  it('keeps removals relative to what the proxy was sent, and the earlier since', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('n', meshSnapshot(['a', 'b', 'c']));
    const sent = versionsOf(cache.fetch(watch('n', CLUSTER_TYPE))!);
    // Held (never written): b removed. Then c removed and b back, computed against the held answer.
    cache.setSnapshot('n', meshSnapshot(['a', 'c'], 2));
    const older = { ...cache.fetch(watch('n', CLUSTER_TYPE, [], sent))!, since: 50 };
    expect(older.removed).toEqual(['b']);
    cache.setSnapshot('n', meshSnapshot(['a', 'b'], 3));
    const newer = { ...cache.fetch(watch('n', CLUSTER_TYPE, [], versionsOf(older)))!, since: 80 };
    expect(newer.removed).toEqual(['c']);
    const merged = mergeAnswers(older, newer);
    expect([...merged.resources.keys()].sort()).toEqual(['a', 'b']);
    expect(merged.removed).toEqual(['c']);
    expect(merged.since).toBe(50);
    expect(mergeAnswers({ ...older, since: undefined }, newer).since).toBe(80);
  });
});

describe('ADS server: convergence histogram and traffic totals', () => {
  let cache: SnapshotCache;
  let server: XdsServer;
  let clock = 1_000_000;
  let stream: PausableAdsStream;

  beforeEach(async () => {
    cache = new SnapshotCache();
    server = new XdsServer({ cache, logger: silentLogger(), now: () => new Date(clock) });
    const port = await server.listen('127.0.0.1', 0);
    stream = new PausableAdsStream(`127.0.0.1:${port}`, 'delta');
  });
  afterEach(async () => {
    stream.close();
    await server.close();
  });

  const convergence = (): Map<string, HistogramValue> => {
    const family = server.metrics.collect().find((f) => f.name === 'switchboard_xds_convergence_seconds');
    return new Map((family?.series ?? []).map((s) => [s.labels['type'] ?? '', s.value as HistogramValue]));
  };
  const reply = async (nonce: string | undefined, error?: string): Promise<void> => {
    stream.send({ type_url: CLUSTER_TYPE, response_nonce: nonce, ...(error ? { error_detail: { code: 3, message: error } } : {}) });
    for (let i = 0; i < 300; i++) {
      const t = server.proxies()[0]?.types['clusters'];
      if ((error ? t?.lastNack : t?.lastAcked)?.nonce === nonce) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`reply to ${nonce} never recorded`);
  };

  it('observes now − since when the response carrying a change is ACKed, never on a NACK', async () => {
    cache.setSnapshot('n', meshSnapshot(['web', 'api']));
    stream.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
    const r1 = await stream.next();
    await reply(r1.nonce);
    expect(convergence().size).toBe(0);

    clock = 2_000_000;
    cache.setSnapshot('n', meshSnapshot(['web', 'api'], 2), { since: clock - 1500 });
    const r2 = await stream.next();
    clock += 250; // the proxy took a while to ACK: that counts
    await reply(r2.nonce);
    const clusters = convergence().get('clusters')!;
    expect(clusters.count).toBe(1);
    expect(clusters.sum).toBeCloseTo(1.75);
    const le = (bound: number): number => clusters.cumulative[clusters.bounds.indexOf(bound)]!;
    expect(le(1)).toBe(0);
    expect(le(2.5)).toBe(1);

    // An update and a removal (removals go last, in their own response); the proxy rejects the latest.
    cache.setSnapshot('n', meshSnapshot(['web'], 3), { since: clock - 100 });
    const r3 = (await stream.next()) as DeltaResponse;
    const r4 = (await stream.next()) as DeltaResponse;
    expect(r3.resources?.map((r) => r.name)).toEqual(['web']);
    expect(r4.removed_resources).toEqual(['api']);
    await reply(r4.nonce, 'rejected');
    expect(convergence().get('clusters')!.count).toBe(1);

    // A change without a commit time is not measured.
    cache.setSnapshot('n', meshSnapshot(['web'], 4));
    const r5 = await stream.next();
    await reply(r5.nonce);
    expect(convergence().get('clusters')!.count).toBe(1);

    expect(server.traffic()).toEqual({
      responsesSent: 5,
      resourcesSent: 2 + 2 + 1 + 0 + 1,
      removalsSent: 1,
      acksReceived: 3,
      nacksReceived: 1,
      streamsOpened: 1,
    });
  });
});
