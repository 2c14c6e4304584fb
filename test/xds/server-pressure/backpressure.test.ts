/**
 * Back-pressure on a real gRPC connection: a proxy that stops reading makes
 * its stream hold only the latest state per type (no response is queued per
 * change), other streams go on being served, and once the proxy reads again
 * it ends up with exactly the latest resources, removals included.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../cli/logger.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, SnapshotCache, XdsServer, type ProxyStatus, type SnapshotInput } from '../../../xds/index.ts';
import { makeNode } from '../ads-client.ts';
import { makeCluster, makeEndpoints } from '../fixtures.ts';
import { meshSnapshot } from '../harness.ts';
import { PausableAdsStream } from './pausable-client.ts';

const FIRST = ['s0', 's1', 's2', 's3', 's4'];
// The last generation drops s4 and brings s5, which the proxy subscribed to before it existed.
const LAST = ['s0', 's1', 's2', 's3', 's5'];
const SUBSCRIBED = ['s0', 's1', 's2', 's3', 's4', 's5'];
const HOSTS = 800;

/** Clusters and endpoint sets of ~15 KB each, every one different in each generation. */
function bigSnapshot(services: string[], generation: number): SnapshotInput {
  const hosts = Array.from({ length: HOSTS }, (_, i) => ({ host: `10.${i >> 8}.${i & 255}.7`, port: 10_000 + generation }));
  return {
    [CLUSTER_TYPE]: services.map((s) => makeCluster(s, { connectTimeoutSeconds: generation })),
    [ENDPOINT_TYPE]: services.map((s) => makeEndpoints(s, hosts)),
  };
}

/** Lets the server flush and the sockets move (pacing only; nothing is timed). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe.each(['delta', 'sotw'] as const)('back-pressure (%s)', (mode) => {
  let cache: SnapshotCache;
  let server: XdsServer;
  let address: string;
  const streams: PausableAdsStream[] = [];
  const open = (m: 'delta' | 'sotw'): PausableAdsStream => {
    const s = new PausableAdsStream(address, m);
    streams.push(s);
    return s;
  };
  const statusOf = (nodeId: string): ProxyStatus => {
    const p = server.proxies().find((x) => x.nodeId === nodeId);
    if (!p) throw new Error(`${nodeId} is not connected`);
    return p;
  };

  beforeEach(async () => {
    cache = new SnapshotCache();
    server = new XdsServer({ cache, logger: silentLogger() });
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await server.close();
  });

  it('holds only the latest state while the proxy does not read, and delivers it exactly once it does', async () => {
    let gen = 1;
    cache.setSnapshot('stalled', bigSnapshot(FIRST, gen));
    const stalled = open(mode);
    if (mode === 'delta') {
      stalled.send({ node: makeNode('stalled'), type_url: CLUSTER_TYPE });
      stalled.send({ type_url: ENDPOINT_TYPE, resource_names_subscribe: SUBSCRIBED });
    } else {
      stalled.send({ node: makeNode('stalled'), type_url: CLUSTER_TYPE, resource_names: [] });
      stalled.send({ node: makeNode('stalled'), type_url: ENDPOINT_TYPE, resource_names: SUBSCRIBED });
    }
    await stalled.until(cache.getSnapshot('stalled')!, [CLUSTER_TYPE, ENDPOINT_TYPE]);
    expect(statusOf('stalled')).toMatchObject({ backlogged: false, skippedPushes: 0 });

    stalled.pause();
    // Push changes until the connection is full: the stream waits for a drain
    // and writes nothing more over several changes in a row.
    let quiet = 0;
    let sent = server.traffic().responsesSent;
    while (quiet < 5) {
      if (++gen > 400) throw new Error('the stream never backed up');
      cache.setSnapshot('stalled', bigSnapshot(FIRST, gen));
      await settle();
      const now = server.traffic().responsesSent;
      quiet = statusOf('stalled').backlogged && now === sent ? quiet + 1 : 0;
      sent = now;
    }
    expect(server.backloggedStreams()).toBe(1);
    const skippedBefore = statusOf('stalled').skippedPushes;

    // Another proxy, on its own connection, is served meanwhile.
    const other = open('delta');
    cache.setSnapshot('other', meshSnapshot(['x', 'y']));
    other.send({ node: makeNode('other'), type_url: CLUSTER_TYPE });
    for (let i = 0; i < 30; i++) {
      cache.setSnapshot('stalled', bigSnapshot(FIRST, ++gen));
      await settle();
    }
    await other.until(cache.getSnapshot('other')!, [CLUSTER_TYPE]);

    // Nothing was written to the stalled stream: every response sent went to the other one.
    expect(server.traffic().responsesSent - sent).toBe(other.received);
    const during = statusOf('stalled');
    expect(during.backlogged).toBe(true);
    // Each change replaced the held cluster and endpoint answers.
    expect(during.skippedPushes - skippedBefore).toBe(60);
    expect(server.queuedStreams()).toBe(1);
    expect(statusOf('other').backlogged).toBe(false);

    cache.setSnapshot('stalled', bigSnapshot(LAST, ++gen));
    await settle();
    stalled.resume();
    const latest = cache.getSnapshot('stalled')!;
    await stalled.until(latest, [CLUSTER_TYPE, ENDPOINT_TYPE]);
    expect([...stalled.held.get(CLUSTER_TYPE)!.keys()].sort()).toEqual(LAST);
    expect([...stalled.held.get(ENDPOINT_TYPE)!.keys()].sort()).toEqual(LAST);
    // Far fewer responses than the two per change a queue would have carried.
    expect(stalled.received).toBeLessThan(2 * gen - 60);

    const after = statusOf('stalled');
    expect(after.backlogged).toBe(false);
    expect(server.backloggedStreams()).toBe(0);
    expect(server.queuedStreams()).toBe(0);
    // What the server believes the proxy holds is what it holds.
    expect(after.types['clusters']!.resources).toEqual(LAST);
    expect(after.types['endpoints']!.resources).toEqual(LAST);

    // And the stream goes on as usual: the next change arrives as one push per type.
    const before = stalled.received;
    cache.setSnapshot('stalled', bigSnapshot(LAST, ++gen));
    await stalled.until(cache.getSnapshot('stalled')!, [CLUSTER_TYPE, ENDPOINT_TYPE]);
    expect(stalled.received - before).toBe(2);
  });
});
