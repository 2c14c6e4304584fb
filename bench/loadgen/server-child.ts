/** Starts the control plane in a child process and drives it over IPC; its CPU and RSS come from /proc. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CatalogOp } from '../../catalog/index.ts';
import { sampleProcess, type ProcSample } from './proc-stats.ts';
import type { ChildReply, ChildRequest, ChildStats, ServerProcessOptions } from './server-messages.ts';

/** A control plane running in a child process. */
export interface ServerChild {
  pid: number;
  grpcAddress: string;
  httpAddress: string;
  /** Applies each batch as one store transaction, in order; resolves once all are durable (the write's acknowledgement). */
  apply(batches: CatalogOp[][]): Promise<number>;
  stats(): Promise<ChildStats>;
  /** Runs a full GC in the child (it starts with --expose-gc) so heap figures are live data; then a heap snapshot, when asked for. */
  gc(): Promise<void>;
  proc(): ProcSample;
  /** Prometheus text from the server's own `/metrics`. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/** How to start the child. */
export interface ServerChildOptions extends ServerProcessOptions {
  /** Write a V8 CPU profile of the server into this folder on exit. */
  cpuProfileDir?: string;
}

/** `SWITCHBOARD_BENCH_HEAP_SNAPSHOTS=DIR`: every bench run writes a heap snapshot of its server after each GC it asks for. */
const HEAP_SNAPSHOT_ENV = 'SWITCHBOARD_BENCH_HEAP_SNAPSHOTS';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type Pending = { resolve: (r: ChildReply) => void; reject: (e: Error) => void };

/** Forks `server-process.ts`, resolves once it listens. */
export async function startServerChild(opts: ServerChildOptions = {}): Promise<ServerChild> {
  const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));
  const execArgv = ['--import', 'tsx', '--expose-gc', ...(opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir] : [])];
  const { cpuProfileDir: _, ...processOpts } = opts;
  const heapSnapshotDir = processOpts.heapSnapshotDir ?? process.env[HEAP_SNAPSHOT_ENV];
  if (heapSnapshotDir) processOpts.heapSnapshotDir = heapSnapshotDir;
  const child: ChildProcess = fork(entry, [JSON.stringify(processOpts)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited = false;
  const ready = new Promise<Extract<ChildReply, { kind: 'ready' }>>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server child exited with code ${code} before it was ready`)));
    child.on('message', (m: ChildReply) => {
      if (m.kind === 'ready') return resolve(m);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.kind === 'failed') p.reject(new Error(m.message));
      else p.resolve(m);
    });
  });
  child.on('exit', (code) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`server child exited (code ${code})`));
    pending.clear();
  });
  const hello = await ready;
  const pid = child.pid as number;
  const call = (req: DistributiveOmit<ChildRequest, 'id'>): Promise<ChildReply> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('server child has exited'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...req, id } as ChildRequest);
    });
  return {
    pid,
    grpcAddress: hello.grpcAddress,
    httpAddress: hello.httpAddress,
    async apply(batches) {
      const r = await call({ kind: 'apply', batches });
      return r.kind === 'applied' ? r.index : 0;
    },
    async stats() {
      const r = await call({ kind: 'stats' });
      if (r.kind !== 'stats') throw new Error(`unexpected reply ${r.kind}`);
      const { kind: _k, id: _i, ...stats } = r;
      return stats;
    },
    async gc() {
      await call({ kind: 'gc' });
    },
    proc: () => sampleProcess(pid),
    async scrape() {
      const res = await fetch(`http://${hello.httpAddress}/metrics`);
      if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
      return res.text();
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      await call({ kind: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
