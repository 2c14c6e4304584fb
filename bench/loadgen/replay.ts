/**
 * The replay ceiling: how long a bare gRPC server takes to write the very
 * responses a scenario caused (already encoded) to the same number of
 * streams, each on its own connection, with clients that decode and ACK
 * every response as the simulated proxies do. The ratio of the real
 * scenario's convergence to this time is the control plane's overhead.
 *
 * Server and clients each run in a child process of their own
 * (`replay-server.ts`, `replay-clients.ts`): the benchmark process keeps the
 * simulated fleet connected meanwhile, and one process holding both the
 * fleet's and the replay's connections would need two descriptors per proxy.
 * Time runs from the server starting to write to the last client holding its
 * last response, both read on the machine's wall clock in the children.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileCount, sampleProcess } from './proc-stats.ts';
import type { ReplayClientsReply } from './replay-clients.ts';
import { writeRecording } from './replay-server.ts';

/** A promise that rejects after `ms` without keeping the process alive. */
function failAfter(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** Open file descriptors of each process while every replay stream was connected. */
export interface ReplayFds {
  /** The benchmark process (it still holds the simulated fleet's connections). */
  generator: number;
  replayServer: number;
  replayClients: number;
}

/** What one replay measured. */
export interface ReplayResult {
  streams: number;
  messages: number;
  bytes: number;
  /** From the server starting to write to the last client holding its last response, ms. */
  ms: number;
  serverCpuSeconds: number;
  /** CPU of the clients' process during the replay (decoding and ACKing). */
  clientCpuSeconds: number;
  fds: ReplayFds;
}

type Message = { kind: string; port?: number; at?: number; message?: string };

/** Resolves with the child's next message of `kind`; rejects if it exits first or reports `failed`. */
function nextMessage(child: ChildProcess, kind: string, who: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: Message): void => {
      if (m.kind === 'failed') return finish(() => reject(new Error(`${who}: ${m.message ?? 'failed'}`)));
      if (m.kind === kind) finish(() => resolve(m));
    };
    const onExit = (code: number | null): void => finish(() => reject(new Error(`${who} exited (code ${code})`)));
    const finish = (then: () => void): void => {
      child.off('message', onMsg);
      child.off('exit', onExit);
      then();
    };
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

function forkChild(file: string, args: string[]): ChildProcess {
  // The replay clients get the young-generation size the simulated fleet runs with (package.json's bench script).
  const execArgv = ['--import', 'tsx', ...process.execArgv.filter((a) => a.startsWith('--max-semi-space-size'))];
  return fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.connected) child.send({ kind: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await gone;
  clearTimeout(timer);
}

/** Replays `recordings` (one list per stream; streams with none are left out) and times it. */
export async function replayCeiling(recordings: readonly Buffer[][], timeoutMs: number): Promise<ReplayResult> {
  const used = recordings.filter((r) => r.length > 0);
  const messages = used.reduce((n, r) => n + r.length, 0);
  const bytes = used.reduce((n, r) => n + r.reduce((m, b) => m + b.length, 0), 0);
  const none = { generator: 0, replayServer: 0, replayClients: 0 };
  if (used.length === 0) return { streams: 0, messages: 0, bytes: 0, ms: 0, serverCpuSeconds: 0, clientCpuSeconds: 0, fds: none };
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-'));
  const file = join(dir, 'recording.bin');
  writeFileSync(file, writeRecording(used));
  // The clients only need to know how many responses each stream gets, not the bytes.
  const countsFile = join(dir, 'counts.json');
  writeFileSync(countsFile, JSON.stringify(used.map((r) => r.length)));
  const server = forkChild('./replay-server.ts', [file]);
  let clients: ChildProcess | undefined;
  try {
    const { port } = await nextMessage(server, 'listening', 'replay server');
    const ready = nextMessage(server, 'ready', 'replay server');
    clients = forkChild('./replay-clients.ts', [countsFile, String(port)]);
    const clientsDone = nextMessage(clients, 'done', 'replay clients');
    // Surface a client failure at once rather than at the timeout; `done` is awaited below.
    clientsDone.catch(() => undefined);
    await Promise.race([ready, clientsDone, failAfter(timeoutMs, 'replay clients did not all connect')]);
    const fds: ReplayFds = { generator: openFileCount(process.pid), replayServer: openFileCount(server.pid as number), replayClients: openFileCount(clients.pid as number) };
    const cpu0 = sampleProcess(server.pid as number).cpuSeconds;
    const clientCpu0 = sampleProcess(clients.pid as number).cpuSeconds;
    const started = nextMessage(server, 'started', 'replay server');
    server.send({ kind: 'go' });
    const [{ at: t0 }, { at: t1 }] = await Promise.race([Promise.all([started, clientsDone]), failAfter(timeoutMs, 'replay timed out')]);
    const cpu1 = sampleProcess(server.pid as number).cpuSeconds;
    const clientCpu1 = sampleProcess(clients.pid as number).cpuSeconds;
    return {
      streams: used.length,
      messages,
      bytes,
      ms: (t1 ?? 0) - (t0 ?? 0),
      serverCpuSeconds: cpu1 - cpu0,
      clientCpuSeconds: Math.round((clientCpu1 - clientCpu0) * 100) / 100,
      fds,
    };
  } finally {
    await stopChild(clients);
    await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
