/**
 * The load generator end to end, small: a real server in a child process,
 * a couple of hundred simulated Envoys on their own connections, every
 * scenario. Asserts behaviour only — every affected proxy ACKs the change,
 * no response fails to decode, no stream errors — never a duration.
 */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, smokeFailures } from '../../bench/run.ts';
import { encodeOnceSlack, runBenchmark } from '../../bench/loadgen/index.ts';

describe('npm run bench -- --smoke', () => {
  it('every proxy converges in every scenario with no unexpected NACK', { timeout: 120_000 }, async () => {
    const { options, smoke } = parseBenchArgs(['--smoke']);
    expect(smoke).toBe(true);
    const lines: string[] = [];
    const result = await runBenchmark({ ...options, log: (l) => lines.push(l) });
    expect(smokeFailures(result), lines.join('\n')).toEqual([]);
    expect(result.connect.converged).toBe(options.proxies);
    expect(result.scenarios.map((s) => s.name)).toEqual(['endpoint', 'mesh-wide', 'reconnect', 'churn']);
    for (const s of result.scenarios) {
      expect(s.converged, s.name).toBe(s.expected);
      expect(s.messagesReceived, s.name).toBeGreaterThan(0);
    }
    // Encode once: a change's encodings stay within the distinct versions its proxies received, plus the slack for
    // builds superseded before their push (smokeFailures holds the same bound).
    for (const s of result.scenarios.filter((x) => x.name === 'endpoint' || x.name === 'mesh-wide')) {
      expect(s.encodeOnce.distinctReceived, s.name).toBeGreaterThan(0);
      expect(s.encodeOnce.encodings, s.name).toBeLessThanOrEqual(s.encodeOnce.distinctReceived + encodeOnceSlack(s.encodeOnce.distinctReceived));
    }
    expect(result.encodeOnce.distinctReceived).toBeGreaterThan(0);
    // A one-endpoint change reaches only that service's dependents.
    expect(result.scenarios[0]?.unaffectedPushed).toBe(0);
    // The replay ceiling ran on the recorded responses.
    expect(result.connect.replay?.messages).toBe(result.connect.messagesReceived);
    // Connect and reconnect report when each proxy got its first CDS response, never after it converged.
    for (const r of [result.connect, result.scenarios[2]]) {
      expect(r?.firstCdsMissing, r?.name).toBe(0);
      expect(r?.firstCdsMs?.max ?? Infinity, r?.name).toBeLessThanOrEqual(r?.convergenceMs?.max ?? 0);
    }
    // The replay's clients hold their connections in a process of their own, not beside the fleet's.
    const fds = result.fds.duringReplay;
    expect(fds?.replayClients).toBeGreaterThanOrEqual(options.proxies);
    expect(fds?.generator).toBeLessThan(options.proxies + (result.connect.replay?.streams ?? 0));
  });

  it('NACKs at a set rate are recorded by the server and never cause a resend loop', { timeout: 120_000 }, async () => {
    const { options } = parseBenchArgs(['--proxies', '60', '--services', '12', '--upstreams', '3', '--scenario', 'mesh-wide', '--nack-rate', '0.3', '--no-replay', '--http-sample', '0', '--timeout-ms', '4000']);
    const result = await runBenchmark({ ...options, log: () => undefined });
    const meshWide = result.scenarios[0];
    expect(meshWide?.nacksSent).toBeGreaterThan(0);
    expect(meshWide?.unexpectedNacks).toBe(0);
    expect(meshWide?.streamErrors).toBe(0);
    // The server saw NACKs, and no more than were sent (each NACKed type counts once).
    expect(result.server.serverNackRecords).toBeGreaterThan(0);
    expect(result.server.serverNackRecords).toBeLessThanOrEqual(meshWide?.nacksSent ?? 0);
    // Two writes, one listener update each per proxy at most: a NACK is not answered with the same push again.
    expect(meshWide?.messagesReceived).toBeLessThanOrEqual(2 * options.proxies);
    // A proxy that kept its old listener is the only kind that misses the change.
    expect((meshWide?.converged ?? 0) + (meshWide?.missing ?? 0)).toBe(meshWide?.expected);
  });

  it('state-of-the-world proxies converge too', { timeout: 120_000 }, async () => {
    const { options } = parseBenchArgs(['--mode', 'sotw', '--proxies', '40', '--services', '8', '--upstreams', '3', '--scenario', 'endpoint,mesh-wide', '--rounds', '1', '--no-replay', '--http-sample', '0']);
    const result = await runBenchmark({ ...options, log: () => undefined });
    expect(smokeFailures(result)).toEqual([]);
    expect(result.scenarios.every((s) => s.converged === s.expected && s.expected > 0)).toBe(true);
  });
});
