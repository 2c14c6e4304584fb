/**
 * The replay ceiling: how long a bare gRPC server takes to write the very
 * responses a scenario caused (already encoded) to the same number of
 * streams, each on its own connection, with clients that decode and ACK
 * every response as the simulated proxies do. The ratio of the real
 * scenario's convergence to this time is the control plane's overhead.
 */
import * as grpc from '@grpc/grpc-js';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sampleProcess } from './proc-stats.ts';
import { writeRecording } from './replay-server.ts';
import { SIM_CHANNEL_OPTIONS } from './sim-proxy.ts';
import { decodeDeltaResponse, DELTA_ADS_PATH, encodeDeltaRequest, type DeltaRequestOut, type ReceivedDelta } from './xds-codec.ts';

/** A promise that rejects after `ms` without keeping the process alive. */
function failAfter(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** What one replay measured. */
export interface ReplayResult {
  streams: number;
  messages: number;
  bytes: number;
  /** From `go` to the last client holding its last response, ms. */
  ms: number;
  serverCpuSeconds: number;
}

/** Replays `recordings` (one list per stream; streams with none are left out) and times it. */
export async function replayCeiling(recordings: readonly Buffer[][], timeoutMs: number): Promise<ReplayResult> {
  const used = recordings.filter((r) => r.length > 0);
  const messages = used.reduce((n, r) => n + r.length, 0);
  const bytes = used.reduce((n, r) => n + r.reduce((m, b) => m + b.length, 0), 0);
  if (used.length === 0) return { streams: 0, messages: 0, bytes: 0, ms: 0, serverCpuSeconds: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-'));
  const file = join(dir, 'recording.bin');
  writeFileSync(file, writeRecording(used));
  const child = fork(fileURLToPath(new URL('./replay-server.ts', import.meta.url)), [file], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const clients: grpc.Client[] = [];
  const calls: Array<grpc.ClientDuplexStream<DeltaRequestOut, ReceivedDelta>> = [];
  try {
    const next = (kind: string): Promise<{ kind: string; port?: number }> =>
      new Promise((resolve, reject) => {
        const onMsg = (m: { kind: string; port?: number }): void => {
          if (m.kind !== kind) return;
          child.off('message', onMsg);
          resolve(m);
        };
        child.on('message', onMsg);
        child.once('exit', (code) => reject(new Error(`replay server exited (code ${code})`)));
      });
    const { port } = await next('listening');
    const ready = next('ready');
    let left = used.length;
    let resolveDone: (at: number) => void = () => undefined;
    const done = new Promise<number>((r) => (resolveDone = r));
    used.forEach((list, i) => {
      const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), SIM_CHANNEL_OPTIONS);
      clients.push(client);
      const call = client.makeBidiStreamRequest<DeltaRequestOut, ReceivedDelta>(DELTA_ADS_PATH, encodeDeltaRequest, decodeDeltaResponse);
      calls.push(call);
      let got = 0;
      call.on('data', (r: ReceivedDelta) => {
        call.write({ type_url: r.typeUrl, response_nonce: r.nonce });
        if (++got === list.length && --left === 0) resolveDone(performance.now());
      });
      call.on('error', () => undefined);
      call.write({ node: { id: `replay-${i}` }, type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
    });
    await Promise.race([ready, failAfter(timeoutMs, 'replay clients did not all connect')]);
    const cpu0 = sampleProcess(child.pid as number).cpuSeconds;
    const t0 = performance.now();
    child.send({ kind: 'go' });
    const t1 = await Promise.race([done, failAfter(timeoutMs, 'replay timed out')]);
    const cpu1 = sampleProcess(child.pid as number).cpuSeconds;
    return { streams: used.length, messages, bytes, ms: t1 - t0, serverCpuSeconds: cpu1 - cpu0 };
  } finally {
    for (const c of calls) c.cancel();
    for (const c of clients) c.close();
    child.send({ kind: 'stop' });
    await new Promise((r) => setTimeout(r, 50));
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
