/**
 * Catalog benchmark (not a test): registrations per second through the HTTP
 * API on the SQLite file store, and the cost of 10,000 parked blocking
 * queries woken by one change.
 *
 *   node --expose-gc --import tsx bench/catalog-bench.ts [registrations=2000] [parked=10000]
 *
 * Parked queries go through fastify's inject (no sockets), so the figures are
 * the server's own cost per parked query, without the kernel's per-socket cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../cli/logger.ts';
import { defaultServerOptions, startServer } from '../cli/server.ts';
import type { SqliteCatalogStore } from '../catalog/index.ts';

const REGISTRATIONS = Number(process.argv[2] ?? 2000);
const PARKED = Number(process.argv[3] ?? 10_000);
const CONCURRENCY = 16;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function registrations(inMemory: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const server = await startServer({
    ...defaultServerOptions(silentLogger()), acl: { enabled: false }, dataDir, inMemory, httpPort: 0, grpcPort: 0, nodeName: 'bench',
  });
  const url = `http://${server.httpAddress}/v1/agent/service/register`;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REGISTRATIONS) {
      const i = next++;
      const res = await fetch(url, {
        method: 'PUT',
        body: JSON.stringify({ Name: `svc-${i % 100}`, ID: `svc-${i}`, Port: 10000 + (i % 50000), Tags: ['bench'], Check: { TTL: '30s' } }),
      });
      if (res.status !== 200) throw new Error(`register ${i}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  const { commits, applies } = (server.store as SqliteCatalogStore).commitStats();
  console.log(
    `registrations (${inMemory ? 'in-memory' : 'SQLite file, WAL, synchronous=FULL'}): ${REGISTRATIONS} in ${secs.toFixed(2)} s = ${(REGISTRATIONS / secs).toFixed(0)}/s (concurrency ${CONCURRENCY}; ${applies} writes in ${commits} commits)`,
  );
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function parkedQueries(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const server = await startServer({ ...defaultServerOptions(silentLogger()), acl: { enabled: false }, dataDir, httpPort: 0, grpcPort: 0, nodeName: 'bench' });
  const store = server.store as SqliteCatalogStore;
  const app = server.api;
  const reg = (body: unknown) => app.inject({ method: 'PUT', url: '/v1/agent/service/register', payload: JSON.stringify(body) });
  await reg({ Name: 'hot', ID: 'hot-1', Port: 80, Check: { CheckID: 'hot-ttl', TTL: '1m' } });
  await reg({ Name: 'cold', ID: 'cold-1', Port: 81 });
  const first = await app.inject({ method: 'GET', url: '/v1/health/service/hot' });
  const index = Number(first.headers['x-consul-index']);

  gc();
  const heap0 = process.memoryUsage();
  const parked = Array.from({ length: PARKED }, () =>
    app.inject({ method: 'GET', url: `/v1/health/service/hot?index=${index}&wait=10m` }),
  );
  while (store.waiterCount() < PARKED) await new Promise((r) => setTimeout(r, 50));
  gc();
  const heap1 = process.memoryUsage();
  console.log(
    `${PARKED} parked queries: heap +${mb(heap1.heapUsed - heap0.heapUsed)} (${((heap1.heapUsed - heap0.heapUsed) / PARKED / 1024).toFixed(2)} KB each), rss +${mb(heap1.rss - heap0.rss)}`,
  );

  const cpuIdle0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 2000));
  const idle = process.cpuUsage(cpuIdle0);
  console.log(`CPU while parked for 2 s: ${((idle.user + idle.system) / 1000).toFixed(1)} ms`);

  const cpuCold0 = process.cpuUsage();
  await reg({ Name: 'cold', ID: 'cold-1', Port: 82 });
  await new Promise((r) => setImmediate(r));
  const cold = process.cpuUsage(cpuCold0);
  console.log(
    `an irrelevant change: ${store.waiterCount()} still parked, CPU ${((cold.user + cold.system) / 1000).toFixed(1)} ms`,
  );

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await app.inject({ method: 'PUT', url: '/v1/agent/check/pass/hot-ttl' });
  const answers = await Promise.all(parked);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const changed = answers.filter((a) => Number(a.headers['x-consul-index']) > index).length;
  console.log(
    `one relevant change woke ${changed}/${PARKED} and answered all in ${ms.toFixed(0)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, ${(((cpu.user + cpu.system) / 1000) / PARKED * 1000).toFixed(0)} µs per query)`,
  );
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

await registrations(false);
await registrations(true);
await parkedQueries();
