/**
 * The control plane under test, run as a child process of the benchmark so
 * that its CPU and memory are its own. Started by `server-child.ts` with
 * `fork`; talks over the IPC channel: it reports `ready`, then applies batches
 * of store ops (the fast way to build a big mesh) and answers stats requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { CatalogOp } from '../../catalog/index.ts';
import { createLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer } from '../../cli/server.ts';
import type { ChildReply, ChildRequest, ServerProcessOptions } from './server-messages.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions;
const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-server-'));
const server = await startServer({
  ...defaultServerOptions(createLogger(opts.logLevel ?? 'warn')),
  acl: { enabled: false },
  dataDir,
  inMemory: opts.inMemory ?? false,
  httpPort: 0,
  grpcPort: 0,
  dnsPort: -1,
  defaultIntentionPolicy: opts.defaultIntentionPolicy ?? 'deny',
  coalesceMs: opts.coalesceMs,
  // Every simulated proxy connects from 127.0.0.1: the per-address stream cap would stop the fleet at 1,000.
  limits: { maxStreamsPerClient: 1_000_000 },
});

let snapshots = 0;

function reply(r: ChildReply): void {
  process.send?.(r);
}

async function applyAll(batches: CatalogOp[][]): Promise<number> {
  let index = 0;
  for (const ops of batches) {
    const r = await server.store.apply(ops);
    if (!r.ok) throw new Error(`store refused a batch of ${ops.length} ops: ${JSON.stringify(r).slice(0, 300)}`);
    index = r.index;
  }
  return index;
}

// The generator gone (killed, crashed) means nobody will stop this server: it must not linger and skew later runs.
process.on('disconnect', () => process.exit(0));

process.on('message', (m: ChildRequest) => {
  switch (m.kind) {
    case 'apply':
      applyAll(m.batches).then(
        (index) => reply({ kind: 'applied', id: m.id, index }),
        (err: Error) => reply({ kind: 'failed', id: m.id, message: err.message }),
      );
      return;
    case 'stats':
      reply({
        kind: 'stats',
        id: m.id,
        engine: server.engine.stats(),
        cache: server.xdsCache.stats(),
        memory: process.memoryUsage(),
        cpu: process.cpuUsage(),
        // A tally, not proxies(): building every stream's status costs the server ~0.3 ms per stream, counted in its CPU.
        streams: [...server.xds.streamTally().connected.values()].reduce((a, b) => a + b, 0),
      });
      return;
    case 'gc': {
      (globalThis as { gc?: () => void }).gc?.();
      // Right after a full GC the snapshot holds live data only; two of them (before and after connect) give the per-proxy cost by object.
      const heapSnapshot = opts.heapSnapshotDir ? writeHeapSnapshot(join(opts.heapSnapshotDir, `heap-${snapshots++}.heapsnapshot`)) : undefined;
      if (heapSnapshot) process.stderr.write(`server heap snapshot: ${heapSnapshot}\n`);
      reply({ kind: 'done', id: m.id, ...(heapSnapshot ? { heapSnapshot } : {}) });
      return;
    }
    case 'stop':
      void server.close().finally(() => {
        rmSync(dataDir, { recursive: true, force: true });
        reply({ kind: 'done', id: m.id });
        // process.exit lets --cpu-prof write its profile.
        setTimeout(() => process.exit(0), 50);
      });
      return;
  }
});

reply({ kind: 'ready', id: 0, grpcAddress: server.grpcAddress, httpAddress: server.httpAddress });
