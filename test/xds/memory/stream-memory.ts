/**
 * Memory per connected proxy of a real XdsServer over a SnapshotCache: not a
 * test (no assertions, nothing timed), a probe run by hand.
 *
 *   node --expose-gc --import tsx test/xds/memory/stream-memory.ts [N=2000] [--bare] [--reconnect] [--heap-snapshot=FILE]
 *
 * Sets N snapshots (mesh-shape.ts), measures heap and RSS after a full GC,
 * connects N delta clients from a child process, waits until each has ACKed a
 * response of every type and the server is quiet, measures again, and prints
 * the difference per proxy. `--bare` serves the same clients from a bare
 * grpc-js server that answers each subscription with one empty response and
 * keeps nothing: the connection's own cost, to subtract. `--reconnect`: each
 * client syncs once, then reconnects declaring what it holds (Envoy after a
 * lost server); measured with the second connections open.
 */
import { fork } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { adsServiceDefinition, SnapshotCache, XdsServer, XDS_GRPC_SERVER_OPTIONS } from '../../../xds/index.ts';
import { nodeIdOf, snapshotOf } from './mesh-shape.ts';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 2000);
const snapshotFile = process.argv.find((a) => a.startsWith('--heap-snapshot='))?.split('=')[1];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run node with --expose-gc');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await sleep(100);
  }
  return process.memoryUsage();
}

const bare = process.argv.includes('--bare');
const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
const cache = new SnapshotCache();
let server: { traffic(): { acksReceived: number }; proxies(): unknown[]; close(): Promise<void> };
let port: number;
if (bare) {
  let acksReceived = 0;
  let open = 0;
  const g = new grpc.Server(XDS_GRPC_SERVER_OPTIONS);
  g.addService(adsServiceDefinition(), {
    StreamAggregatedResources: () => {},
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<{ type_url?: string; response_nonce?: string }, unknown>) => {
      open++;
      let nonce = 0;
      call.on('data', (req) => {
        if (req.response_nonce) acksReceived++;
        else call.write({ system_version_info: '', resources: [], type_url: req.type_url ?? '', removed_resources: [], nonce: String(++nonce) });
      });
      call.on('error', () => {});
    },
  });
  port = await new Promise<number>((resolve, reject) => g.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  server = { traffic: () => ({ acksReceived }), proxies: () => new Array(open), close: async () => g.forceShutdown() };
} else {
  const xds = new XdsServer({ cache, logger, limits: { maxStreamsPerClient: 1_000_000 } });
  port = await xds.listen('127.0.0.1', 0);
  server = xds;
}
const empty = await settle();
if (snapshotFile) writeHeapSnapshot(`${snapshotFile}.empty`);
if (!bare) for (let i = 0; i < n; i++) cache.setSnapshot(nodeIdOf(i), snapshotOf(i));
const before = await settle();
if (snapshotFile) writeHeapSnapshot(`${snapshotFile}.before`);

const child = fork(fileURLToPath(new URL('./clients.ts', import.meta.url)), [`127.0.0.1:${port}`, '0', String(n), ...(process.argv.includes('--reconnect') ? ['reconnect'] : [])], { execArgv: ['--import', 'tsx'] });
const started = Date.now();
await new Promise<void>((resolve, reject) => {
  child.on('message', (m: { ready?: number; error?: string }) => {
    if (m.error) console.error(m.error);
    if (m.ready !== undefined) {
      if (m.ready !== n) reject(new Error(`only ${m.ready} of ${n} clients synced`));
      else resolve();
    }
  });
  child.on('exit', (code) => reject(new Error(`clients exited (${code})`)));
});
const connectMs = Date.now() - started;
// Quiet: the last ACKs are in when the count stops moving.
let acks = -1;
while (acks !== server.traffic().acksReceived) {
  acks = server.traffic().acksReceived;
  await sleep(300);
}
const after = await settle();
const per = (k: keyof NodeJS.MemoryUsage): string => (((after[k] as number) - (before[k] as number)) / n / 1024).toFixed(2);
console.log(
  JSON.stringify({
    proxies: server.proxies().length,
    acks,
    connectMs,
    perProxyKB: { heapUsed: Number(per('heapUsed')), rss: Number(per('rss')), external: Number(per('external')), heapTotal: Number(per('heapTotal')) },
    cachePerNodeKB: { heapUsed: +((before.heapUsed - empty.heapUsed) / n / 1024).toFixed(2) },
    totalsMB: { heapBefore: +(before.heapUsed / 2 ** 20).toFixed(1), heapAfter: +(after.heapUsed / 2 ** 20).toFixed(1), rssBefore: +(before.rss / 2 ** 20).toFixed(1), rssAfter: +(after.rss / 2 ** 20).toFixed(1) },
  }),
);
if (snapshotFile) writeHeapSnapshot(snapshotFile);
child.send({ close: true });
await server.close();
process.exit(0);
