/**
 * One benchmark run: start the control plane in a child process, build the
 * mesh, connect the simulated proxies, run the scenarios, measure each one
 * (convergence, traffic, server CPU and memory, event-loop lag, NACKs), and
 * replay what the measured changes sent through a bare gRPC server.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CatalogOp } from '../../catalog/index.ts';
import { encodeOnceOf, encodingsIn, settle, type EncodeOnce } from './encode-once.ts';
import { Fleet } from './fleet.ts';
import { registerInstanceHttp } from './http-writes.ts';
import { instanceOps, nodeOps, planMesh, type MeshPlan, type PlannedInstance } from './mesh-plan.ts';
import { seededRandom } from './prng.ts';
import { replayCeiling, type ReplayFds, type ReplayResult } from './replay.ts';
import { runScenario, SCENARIOS, type ChurnPath, type ScenarioContext, type ScenarioName, type ScenarioOutcome } from './scenarios.ts';
import { startServerChild, type ServerChild } from './server-child.ts';
import { openFileCount, openFileLimit } from './proc-stats.ts';
import { promSample, promSum, round, spread, type Spread } from './stats.ts';
import { clearDecodeMemo } from './xds-codec.ts';
import type { SimAdsMode } from './sim-proxy.ts';

/** Every knob of a run. */
export interface BenchOptions {
  /** The ADS variant the simulated proxies speak. */
  mode: SimAdsMode;
  proxies: number;
  services: number;
  instances: number;
  upstreams: number;
  instancesPerNode: number;
  seed: number;
  scenarios: ScenarioName[];
  nackRate: number;
  rounds: number;
  churnRate: number;
  churnSeconds: number;
  /** How churn registers: through the HTTP API (default, as the issue measures it) or straight into the store. */
  churnVia: ChurnPath;
  timeoutMs: number;
  coalesceMs?: number;
  /** Instances registered through `PUT /v1/catalog/register` (timed) before the rest go straight to the store. */
  httpSample: number;
  /** Instances per store transaction for the rest. */
  batch: number;
  replay: boolean;
  cpuProfileDir?: string;
  /** Progress lines go here. */
  log: (line: string) => void;
}

/** Defaults: the issue's mesh (10,000 proxies = 2,000 services × 5 instances, 10 upstreams each). */
export const DEFAULT_OPTIONS: Omit<BenchOptions, 'log'> = {
  mode: 'delta',
  proxies: 10_000,
  services: 2_000,
  instances: 5,
  upstreams: 10,
  instancesPerNode: 50,
  seed: 1,
  scenarios: [...SCENARIOS],
  nackRate: 0,
  rounds: 3,
  churnRate: 50,
  churnSeconds: 60,
  churnVia: 'http',
  timeoutMs: 120_000,
  httpSample: 200,
  batch: 250,
  replay: true,
};

/** A smoke run: a few hundred proxies, short churn; for CI. */
export const SMOKE_OPTIONS: Partial<BenchOptions> = {
  proxies: 200,
  services: 40,
  instances: 5,
  upstreams: 4,
  rounds: 1,
  churnRate: 10,
  churnSeconds: 2,
  timeoutMs: 30_000,
  httpSample: 10,
};

/** One scenario's figures. */
export interface ScenarioReport {
  name: string;
  description: string;
  writes: number;
  /** (write, proxy) pairs that had to see a change, and how many did within the timeout. */
  expected: number;
  converged: number;
  missing: number;
  missingSample: string[];
  /** Over every (write, affected proxy) pair, ms; `max` is the slowest proxy of any write. */
  convergenceMs: Spread | null;
  /** Over writes: the last affected proxy's convergence, ms. */
  lastProxyMs: Spread | null;
  /** Connect and reconnect: from opening the streams to each proxy's first CDS response, ms, and how many never got one. */
  firstCdsMs?: Spread | null;
  firstCdsMissing?: number;
  /** What else the scenario observed (e.g. the registration rate churn achieved). */
  note?: string;
  wallSeconds: number;
  bytesReceived: number;
  messagesReceived: number;
  /** Proxies that received something though no change of the scenario concerned them. */
  unaffectedPushed: number;
  serverCpuSeconds: number;
  /** CPU of the load generator itself (this process) during the scenario: if it nears the wall time, the generator is the bottleneck. */
  generatorCpuSeconds: number;
  serverRssBytes: number;
  nacksSent: number;
  unexpectedNacks: number;
  /** ADS streams that failed during the scenario (each reopened after a short backoff), and some of the reasons. */
  streamErrors: number;
  streamErrorSample: string[];
  /** Server event-loop delay during the scenario, ms (from its /metrics). */
  eventLoopLagMs: { p50: number; p99: number; max: number } | null;
  /**
   * The server's encodings from the scenario's start until its engine was idle
   * and the fleet quiet, against the distinct (type, name, version) triples
   * the proxies received over the same window.
   */
  encodeOnce: EncodeOnce;
  replay?: ReplayResult & { ratio: number | null };
  /** Why the replay ceiling could not be measured, when it failed. */
  replayError?: string;
}

/** Everything a run measured. */
export interface BenchResult {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; freeMemoryBytes: number; node: string; loadavg: number[] };
  options: Omit<BenchOptions, 'log'>;
  setup: {
    instances: number;
    /** Through the HTTP API, one instance = 2 requests (service + check, sidecar), 16 in flight. */
    httpInstancesPerSecond: number | null;
    /** Straight into the store in the server process, `batch` instances per transaction. */
    storeInstancesPerSecond: number;
    registerSeconds: number;
  };
  connect: ScenarioReport;
  perProxy: { rssBytes: number; heapBytes: number };
  /**
   * Open file descriptors (`/proc/<pid>/fd`): after the fleet connected, and
   * the most seen while a replay had every stream connected (the fleet stays
   * connected meanwhile; replay server and clients are processes of their own).
   */
  fds: { afterConnect: { generator: number; server: number }; duringReplay: ReplayFds | null; limit: number | null };
  server: { rssBytes: number; heapUsedBytes: number; encodings: number; builds: number; serverNackRecords: number };
  /** Over the whole run: every encoding since the server started against every distinct triple any proxy received. */
  encodeOnce: EncodeOnce;
  scenarios: ScenarioReport[];
}

async function registerThroughHttp(server: ServerChild, plan: MeshPlan, count: number): Promise<number | null> {
  if (count <= 0) return null;
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) await registerInstanceHttp(server.httpAddress, plan.instances[next++] as PlannedInstance);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return round(count / ((performance.now() - t0) / 1000));
}

function lagOf(metrics: string): ScenarioReport['eventLoopLagMs'] {
  const q = (quantile: string): number | undefined => promSample(metrics, `switchboard_event_loop_lag_seconds{quantile="${quantile}"}`);
  const p50 = q('0.5');
  const p99 = q('0.99');
  const max = q('max');
  if (p50 === undefined || p99 === undefined || max === undefined) return null;
  return { p50: round(p50 * 1000), p99: round(p99 * 1000), max: round(max * 1000) };
}

/** Runs the benchmark; rejects on a setup failure (scenario misses are reported, not thrown). */
export async function runBenchmark(options: BenchOptions): Promise<BenchResult> {
  const { log, ...opts } = options;
  const startedAt = new Date().toISOString();
  const services = opts.services;
  const plan = planMesh({
    services,
    instancesPerService: opts.instances,
    upstreamsPerProxy: opts.upstreams,
    instancesPerNode: opts.instancesPerNode,
    seed: opts.seed,
  });
  if (opts.proxies > plan.instances.length) {
    throw new Error(`proxies: ${opts.proxies} is more than services × instances = ${plan.instances.length}`);
  }
  // The benchmark process holds one descriptor per simulated proxy (the replay runs in processes of its own).
  const fdLimit = openFileLimit();
  if (fdLimit !== undefined && opts.proxies + 256 > fdLimit) {
    throw new Error(`proxies: ${opts.proxies} connections need more open files than this process may hold (limit ${fdLimit}; see ulimit -n)`);
  }
  clearDecodeMemo();
  const server = await startServerChild({ coalesceMs: opts.coalesceMs, defaultIntentionPolicy: 'deny', cpuProfileDir: opts.cpuProfileDir, logLevel: 'error' });
  const fleet = new Fleet(plan.instances.slice(0, opts.proxies), server.grpcAddress, { mode: opts.mode, nackRate: opts.nackRate, seed: opts.seed });
  try {
    log(`server pid ${server.pid}: HTTP ${server.httpAddress}, gRPC ${server.grpcAddress}`);
    const tReg = performance.now();
    await server.apply([nodeOps(plan)]);
    const httpCount = Math.min(opts.httpSample, plan.instances.length);
    const httpRate = await registerThroughHttp(server, plan, httpCount);
    if (httpRate !== null) log(`registered ${httpCount} instances through PUT /v1/catalog/register: ${httpRate}/s`);
    const tStore = performance.now();
    const rest = plan.instances.slice(httpCount);
    for (let i = 0; i < rest.length; i += opts.batch * 20) {
      const batches: CatalogOp[][] = [];
      for (let k = i; k < Math.min(rest.length, i + opts.batch * 20); k += opts.batch) batches.push(rest.slice(k, k + opts.batch).flatMap(instanceOps));
      await server.apply(batches);
    }
    const storeRate = rest.length === 0 ? 0 : round(rest.length / ((performance.now() - tStore) / 1000));
    const registerSeconds = round((performance.now() - tReg) / 1000);
    log(`registered ${plan.instances.length} instances (${plan.services.length} services) in ${registerSeconds} s; store path ${storeRate}/s`);

    await server.gc();
    const before = await server.stats();
    const procBefore = server.proc();

    let recordings: Buffer[][] = [];
    let fdsDuringReplay: ReplayFds | null = null;
    const record = (on: boolean): void => {
      if (on) fleet.takeRecordings();
      fleet.recording = on;
      if (!on) recordings = fleet.takeRecordings();
    };
    // Waits out the rebuilds and pushes a scenario caused after its last proxy converged, then closes its encode-once window.
    const encodeOnceAfter = async (encodings0: number): Promise<EncodeOnce> => {
      await settle(async () => (await server.stats()).engine.pending, () => fleet.totals().messages, opts.timeoutMs);
      const encodings = encodingsIn(await server.scrape()) - encodings0;
      return encodeOnceOf(encodings, fleet.takeVersionWindow());
    };
    const measure = async (name: string, run: () => Promise<ScenarioOutcome>): Promise<ScenarioReport> => {
      // A scenario starts on a quiet server: rebuilds left over from the previous one would be charged to it.
      const idleSince = performance.now();
      while ((await server.stats()).engine.pending > 0 && performance.now() - idleSince < opts.timeoutMs) await new Promise((r) => setTimeout(r, 100));
      const encodings0 = encodingsIn(await server.scrape());
      fleet.takeVersionWindow();
      const cpu0 = server.proc().cpuSeconds;
      const gen0 = process.cpuUsage();
      const totals0 = fleet.totals();
      const counts0 = fleet.messageCounts();
      const t0 = performance.now();
      recordings = [];
      const out = await run();
      const wallSeconds = round((performance.now() - t0) / 1000);
      const gen = process.cpuUsage(gen0);
      const proc = server.proc();
      const metrics = await server.scrape();
      const totals1 = fleet.totals();
      let unaffectedPushed = 0;
      for (const p of fleet.proxies) if (!out.affected.has(p.nodeId) && p.messages > (counts0.get(p.nodeId) ?? 0)) unaffectedPushed++;
      const converged = out.samples.length;
      const report: ScenarioReport = {
        name,
        description: out.description,
        writes: out.writes,
        expected: out.expected,
        converged,
        missing: out.missing.length,
        missingSample: out.missing.slice(0, 5),
        convergenceMs: spread(out.samples),
        lastProxyMs: spread(out.lastPerWrite),
        ...(out.firstCds ? { firstCdsMs: spread(out.firstCds.samples), firstCdsMissing: out.firstCds.missing } : {}),
        ...(out.note ? { note: out.note } : {}),
        wallSeconds,
        bytesReceived: totals1.bytes - totals0.bytes,
        messagesReceived: totals1.messages - totals0.messages,
        unaffectedPushed,
        serverCpuSeconds: round((proc.cpuSeconds - cpu0) * 100) / 100,
        generatorCpuSeconds: Math.round((gen.user + gen.system) / 1e4) / 100,
        serverRssBytes: proc.rssBytes,
        nacksSent: totals1.nacks - totals0.nacks,
        unexpectedNacks: totals1.unexpectedNacks - totals0.unexpectedNacks,
        streamErrors: totals1.streamErrors - totals0.streamErrors,
        streamErrorSample: [...new Set(fleet.proxies.flatMap((p) => (p.streamError ? [p.streamError] : [])))].slice(0, 3),
        eventLoopLagMs: lagOf(metrics),
        encodeOnce: await encodeOnceAfter(encodings0),
      };
      if (opts.replay && out.recordedMs !== undefined && recordings.some((r) => r.length > 0)) {
        // A replay that fails is reported, not thrown: the scenario's own figures (minutes of work at 10,000 proxies) stand.
        try {
          const rep = await replayCeiling(recordings, opts.timeoutMs);
          fdsDuringReplay = maxFds(fdsDuringReplay, rep.fds);
          report.replay = { ...rep, ms: round(rep.ms), ratio: rep.ms > 0 ? round(out.recordedMs / rep.ms) : null };
        } catch (err) {
          report.replayError = (err as Error).message;
        }
      }
      recordings = [];
      log(summaryLine(report));
      return report;
    };

    let fdsAfterConnect = { generator: 0, server: 0 };
    const connect = await measure('connect', async () => {
      record(true);
      const t0 = performance.now();
      const outcome = await fleet.connect(opts.timeoutMs);
      record(false);
      const samples = [...outcome.times.values()].map((t) => t - t0);
      const last = Math.max(0, ...samples);
      fdsAfterConnect = { generator: openFileCount(process.pid), server: openFileCount(server.pid) };
      return {
        description: `${opts.proxies} proxies connect at once and sync (CDS, EDS, LDS, RDS, SDS)`,
        writes: 1,
        expected: opts.proxies,
        samples,
        lastPerWrite: [last],
        missing: outcome.missing,
        affected: new Set(fleet.proxies.map((p) => p.nodeId)),
        recordedMs: last,
        firstCds: { samples: [...outcome.firstCds.values()].map((t) => t - t0), missing: opts.proxies - outcome.firstCds.size },
      };
    });
    log(`open files after connect: generator ${fdsAfterConnect.generator}, server ${fdsAfterConnect.server} (limit ${fdLimit ?? 'unknown'})`);

    await server.gc();
    const after = await server.stats();
    const procAfter = server.proc();
    const perProxy = {
      rssBytes: Math.round((procAfter.rssBytes - procBefore.rssBytes) / opts.proxies),
      heapBytes: Math.round((after.memory.heapUsed - before.memory.heapUsed) / opts.proxies),
    };
    log(`per connected proxy: RSS ${perProxy.rssBytes} B, heap ${perProxy.heapBytes} B`);

    const ctx: ScenarioContext = {
      server,
      fleet,
      plan,
      random: seededRandom(opts.seed * 7919),
      timeoutMs: opts.timeoutMs,
      rounds: opts.rounds,
      churnRate: opts.churnRate,
      churnSeconds: opts.churnSeconds,
      churnVia: opts.churnVia,
      record,
    };
    const scenarios: ScenarioReport[] = [];
    for (const name of opts.scenarios) scenarios.push(await measure(name, () => runScenario(name, ctx)));

    const end = await server.stats();
    const metrics = await server.scrape();
    return {
      startedAt,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryBytes: totalmem(),
        freeMemoryBytes: freemem(),
        node: process.version,
        loadavg: loadavg().map((v) => round(v)),
      },
      options: opts,
      setup: { instances: plan.instances.length, httpInstancesPerSecond: httpRate, storeInstancesPerSecond: storeRate, registerSeconds },
      connect,
      perProxy,
      fds: { afterConnect: fdsAfterConnect, duringReplay: fdsDuringReplay, limit: fdLimit ?? null },
      server: {
        rssBytes: server.proc().rssBytes,
        heapUsedBytes: end.memory.heapUsed,
        encodings: end.cache.encodings,
        builds: end.engine.builds,
        serverNackRecords: promSum(metrics, 'switchboard_xds_nack_records'),
      },
      encodeOnce: encodeOnceOf(encodingsIn(metrics), fleet.receivedVersions),
      scenarios,
    };
  } finally {
    fleet.disconnectAll();
    await server.stop();
  }
}

function maxFds(a: ReplayFds | null, b: ReplayFds): ReplayFds {
  if (!a) return b;
  return { generator: Math.max(a.generator, b.generator), replayServer: Math.max(a.replayServer, b.replayServer), replayClients: Math.max(a.replayClients, b.replayClients) };
}

/** One line per scenario for progress output. */
export function summaryLine(r: ScenarioReport): string {
  const c = r.convergenceMs;
  const conv = c ? `p50 ${c.p50} ms, p99 ${c.p99} ms, max ${c.max} ms` : 'no sample';
  const f = r.firstCdsMs;
  const cds = f ? `; first CDS p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms${r.firstCdsMissing ? ` (${r.firstCdsMissing} never)` : ''}` : '';
  const rep = r.replay
    ? `; replay ${r.replay.ms} ms (×${r.replay.ratio}), open files: generator ${r.replay.fds.generator}, replay server ${r.replay.fds.replayServer}, replay clients ${r.replay.fds.replayClients}`
    : '';
  const e = r.encodeOnce;
  const enc = `; encodings ${e.encodings} for ${e.distinctReceived} distinct versions received (×${e.ratio ?? '-'})`;
  const note = (r.note ? `; ${r.note}` : '') + (r.replayError ? `; replay failed: ${r.replayError}` : '');
  return `${r.name}: ${r.converged}/${r.expected} converged (${conv})${cds}; ${r.messagesReceived} msgs, ${r.bytesReceived} B; ${r.wallSeconds} s wall, server CPU ${r.serverCpuSeconds} s, generator CPU ${r.generatorCpuSeconds} s${enc}${rep}${note}`;
}
