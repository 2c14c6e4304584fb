/**
 * Memory per connected proxy of a real XdsServer over a SnapshotCache: not a
 * test (no assertions, nothing timed), a probe run by hand.
 *
 *   node --expose-gc --import tsx test/xds/memory/stream-memory.ts [N=2000] [--heap-snapshot=FILE]
 *
 * Sets N snapshots (mesh-shape.ts), measures heap and RSS after a full GC,
 * connects N delta clients from a child process, waits until each has ACKed a
 * response of every type and the server is quiet, measures again, and prints
 * the difference per proxy.
 */
import { fork } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { SnapshotCache, XdsServer } from '../../../xds/index.ts';
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

const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
const cache = new SnapshotCache();
const server = new XdsServer({ cache, logger, limits: { maxStreamsPerClient: 1_000_000 } });
const port = await server.listen('127.0.0.1', 0);
const empty = await settle();
for (let i = 0; i < n; i++) cache.setSnapshot(nodeIdOf(i), snapshotOf(i));
const before = await settle();
if (snapshotFile) writeHeapSnapshot(`${snapshotFile}.before`);

const child = fork(fileURLToPath(new URL('./clients.ts', import.meta.url)), [`127.0.0.1:${port}`, '0', String(n)], { execArgv: ['--import', 'tsx'] });
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
