/**
 * The replay ceiling on its own: a bare gRPC server and its clients, each in
 * a child process, replaying recorded delta responses. Checks that every
 * response reaches its stream (the clients decode and ACK each one) and that
 * the descriptors are held by the children, not by this process.
 */
import { describe, expect, it } from 'vitest';
import { replayCeiling } from '../../bench/loadgen/replay.ts';
import { openFileCount } from '../../bench/loadgen/proc-stats.ts';
import { CLUSTER_TYPE, messageType } from '../../xds/index.ts';

function deltaResponse(nonce: string, names: string[]): Buffer {
  const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const msg = t.fromObject({
    type_url: CLUSTER_TYPE,
    nonce,
    resources: names.map((name) => ({ name, version: `v-${name}`, resource: { type_url: CLUSTER_TYPE, value: Buffer.from(name) } })),
  });
  return Buffer.from(t.encode(msg).finish());
}

describe('replayCeiling', () => {
  it('writes every recorded response to its own stream and reports where the descriptors are', { timeout: 60_000 }, async () => {
    const streams = 12;
    const recordings = Array.from({ length: streams }, (_, i) => [deltaResponse(`${i}-1`, ['a', 'b']), deltaResponse(`${i}-2`, ['c'])]);
    // A stream with nothing recorded is left out.
    recordings.push([]);
    const before = openFileCount(process.pid);
    const r = await replayCeiling(recordings, 30_000);
    expect(r.streams).toBe(streams);
    expect(r.messages).toBe(2 * streams);
    expect(r.bytes).toBe(recordings.flat().reduce((n, b) => n + b.length, 0));
    expect(r.ms).toBeGreaterThanOrEqual(0);
    // Each side holds one connection per stream; this process holds none of them.
    expect(r.fds.replayServer).toBeGreaterThanOrEqual(streams);
    expect(r.fds.replayClients).toBeGreaterThanOrEqual(streams);
    expect(r.fds.generator).toBeLessThan(before + streams);
  });

  it('replays nothing when nothing was recorded', async () => {
    expect((await replayCeiling([[], []], 1_000)).streams).toBe(0);
  });
});
