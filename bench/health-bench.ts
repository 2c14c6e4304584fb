/**
 * Health-check runner benchmark: N HTTP checks at one interval against one local HTTP server
 * (in a child process, so its CPU is not counted), for a fixed duration. Prints probes/s,
 * event-loop delay (monitorEventLoopDelay), CPU and RSS of the runner's process.
 *
 *   node --import tsx bench/health-bench.ts [--checks 10000] [--interval 10s] [--duration 30s]
 *        [--concurrency 256] [--keepalive] [--node-timers]
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HealthCheckRunner, parseDuration, systemClock } from '../catalog/health/index.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

// Child mode: a minimal HTTP server that answers 200 with a short body.
if (process.argv.includes('--serve')) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
} else if (process.argv.includes('--control')) {
  // Child mode: an idle process measuring its own event-loop lag, the machine's baseline
  // (the machine is shared, so a lag spike may be another process's doing, not the runner's).
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  process.on('message', () => {
    h.disable();
    process.send?.({ p50: h.percentile(50), p99: h.percentile(99), max: h.max });
  });
  setInterval(() => {}, 1000);
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function startServerProcess(): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'] });
  return { port: await firstMessage(child).then(Number), child };
}

function firstMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`child process exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const checks = Number(arg('checks', '10000'));
  const interval = arg('interval', '10s');
  const durationMs = parseDuration(arg('duration', '30s'));
  const concurrency = Number(arg('concurrency', '256'));
  const keepAlive = process.argv.includes('--keepalive');
  // The runner's default is a timer wheel; --node-timers uses one Node timer per check instead.
  const wheel = !process.argv.includes('--node-timers');

  const { port, child } = await startServerProcess();
  const control = fork(fileURLToPath(import.meta.url), ['--control']);
  let updates = 0;
  const runner = new HealthCheckRunner({
    onStatus: () => updates++,
    maxConcurrentProbes: concurrency,
    httpKeepAlive: keepAlive,
    ...(wheel ? {} : { clock: systemClock }),
  });

  const delay = monitorEventLoopDelay({ resolution: 10 });
  const rssSamples: number[] = [];
  const addStart = performance.now();
  const defs = Array.from({ length: checks }, (_, i) => ({
    definition: { CheckID: `check-${i}`, ServiceID: `svc-${i}`, HTTP: `http://127.0.0.1:${port}/health/${i}`, Interval: interval, Timeout: '5s' },
  }));
  for (const v of await runner.addAll(defs)) if (!v.ok) throw new Error(v.errors.join('; '));
  const addMs = performance.now() - addStart;
  delay.enable();
  // A second histogram, reset every second, shows when lag happens (start-up or steady state).
  const perSecondDelay = monitorEventLoopDelay({ resolution: 10 });
  perSecondDelay.enable();
  const lagMaxPerSecond: number[] = [];

  // Per-second throughput, to show the spread stays even.
  const perSecond: number[] = [];
  // The measurement window starts once every check is added.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const completed0 = runner.stats().probesCompleted;
  let lastCompleted = completed0;
  const sampler = setInterval(() => {
    const s = runner.stats();
    perSecond.push(s.probesCompleted - lastCompleted);
    lastCompleted = s.probesCompleted;
    rssSamples.push(process.memoryUsage().rss);
    lagMaxPerSecond.push(Math.round((perSecondDelay.max - 10e6) / 1e6));
    perSecondDelay.reset();
  }, 1000);

  await new Promise((r) => setTimeout(r, durationMs));
  clearInterval(sampler);
  delay.disable();
  perSecondDelay.disable();
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = runner.stats();
  runner.stop();
  const controlResult = firstMessage(control);
  control.send('report');
  const baseline = (await controlResult) as { p50: number; p99: number; max: number };
  control.disconnect();
  child.disconnect();
  child.kill();

  const ms = (ns: number): string => (ns / 1e6).toFixed(2);
  const sorted = [...perSecond].sort((a, b) => a - b);
  const outputs = {
    checks,
    interval,
    keepAlive,
    timers: wheel ? 'wheel' : 'per-check',
    concurrency,
    durationS: Number(elapsedS.toFixed(1)),
    addAllMs: Number(addMs.toFixed(0)),
    probesCompleted: stats.probesCompleted - completed0,
    probesPerSecond: Number(((stats.probesCompleted - completed0) / elapsedS).toFixed(0)),
    expectedPerSecond: Number((checks / (parseDuration(interval) / 1000)).toFixed(0)),
    perSecondMinMedianMax: [sorted[0], sorted[Math.floor(sorted.length / 2)], sorted[sorted.length - 1]],
    ticksSkipped: stats.ticksSkipped,
    statusUpdates: updates,
    // The histogram records the time between 10 ms samples; subtracting the resolution leaves the lag.
    eventLoopLagMs: { p50: ms(delay.percentile(50) - 10e6), p99: ms(delay.percentile(99) - 10e6), max: ms(delay.max - 10e6) },
    lagMaxMsPerSecond: lagMaxPerSecond.join(' '),
    idleProcessLagMs: { p50: ms(baseline.p50 - 10e6), p99: ms(baseline.p99 - 10e6), max: ms(baseline.max - 10e6) },
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    cpuPercentOfOneCore: Number((((cpu.user + cpu.system) / 1000 / (elapsedS * 1000)) * 100).toFixed(1)),
    rssMiB: { end: Number((process.memoryUsage().rss / 2 ** 20).toFixed(0)), peak: Number((Math.max(...rssSamples) / 2 ** 20).toFixed(0)) },
  };
  console.log(JSON.stringify(outputs, null, 2));
}
