/**
 * `npm run bench -- [flags]`: the xDS load generator. Prints a table and
 * writes the full result as JSON under bench/results/. `--smoke` runs a few
 * hundred proxies and exits non-zero unless every proxy converged in every
 * scenario with no unexpected NACK.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_OPTIONS,
  encodeOnceExcess,
  encodeOnceSlack,
  ENCODE_ONCE_SCENARIOS,
  formatTable,
  runBenchmark,
  SCENARIOS,
  SMOKE_OPTIONS,
  type BenchOptions,
  type BenchResult,
  type ScenarioName,
} from './loadgen/index.ts';

const HELP = `usage: npm run bench -- [flags]
  --mode delta|sotw      the ADS variant the proxies speak (default delta)
  --proxies N            simulated Envoy proxies (default ${DEFAULT_OPTIONS.proxies})
  --services S           services (default ${DEFAULT_OPTIONS.services}; with only --proxies: proxies / instances)
  --instances I          instances per service, each with a sidecar (default ${DEFAULT_OPTIONS.instances})
  --upstreams U          upstreams per sidecar (default ${DEFAULT_OPTIONS.upstreams})
  --instances-per-node K catalog nodes hold K instances each (default ${DEFAULT_OPTIONS.instancesPerNode})
  --scenario LIST        all, or a comma list of ${SCENARIOS.join(', ')} (default all)
  --nack-rate R          share of responses NACKed after a proxy synced, 0..1 (default 0)
  --rounds N             rounds of the endpoint scenario (default ${DEFAULT_OPTIONS.rounds})
  --churn-rate N         registrations per second in the churn scenario (default ${DEFAULT_OPTIONS.churnRate})
  --churn-seconds N      length of the churn scenario (default ${DEFAULT_OPTIONS.churnSeconds})
  --churn-via http|store how churn registers: PUT /v1/catalog/register, or store transactions (default ${DEFAULT_OPTIONS.churnVia})
  --timeout-ms N         how long to wait for convergence (default ${DEFAULT_OPTIONS.timeoutMs})
  --coalesce-ms N        the mesh engine's coalescing window (server default 50)
  --http-sample N        instances registered through the HTTP API, timed (default ${DEFAULT_OPTIONS.httpSample})
  --batch N              instances per store transaction for the rest (default ${DEFAULT_OPTIONS.batch})
  --seed N               PRNG seed (default ${DEFAULT_OPTIONS.seed})
  --no-replay            skip the replay ceiling
  --cpu-prof DIR         write a V8 CPU profile of the server into DIR
  --smoke                a few hundred proxies; fail unless all converge with no unexpected NACK,
                         and the endpoint and mesh-wide changes encode each version they send once
  --out FILE             JSON output (default bench/results/bench-<time>.json)`;

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** Parses the command line into options (throws naming the flag at fault). */
export function parseBenchArgs(argv: string[]): { options: Omit<BenchOptions, 'log'>; smoke: boolean; out: string | undefined; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      proxies: { type: 'string' },
      services: { type: 'string' },
      instances: { type: 'string' },
      upstreams: { type: 'string' },
      'instances-per-node': { type: 'string' },
      scenario: { type: 'string' },
      'nack-rate': { type: 'string' },
      rounds: { type: 'string' },
      'churn-rate': { type: 'string' },
      'churn-seconds': { type: 'string' },
      'churn-via': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'coalesce-ms': { type: 'string' },
      'http-sample': { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      'no-replay': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      smoke: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const smoke = values.smoke === true;
  const base = { ...DEFAULT_OPTIONS, ...(smoke ? SMOKE_OPTIONS : {}) };
  const instances = int('instances', values.instances, 1) ?? base.instances;
  const proxiesFlag = int('proxies', values.proxies, 1);
  const servicesFlag = int('services', values.services, 2);
  const proxies = proxiesFlag ?? (servicesFlag ? servicesFlag * instances : base.proxies);
  const services = servicesFlag ?? (proxiesFlag !== undefined ? Math.max(2, Math.ceil(proxiesFlag / instances)) : base.services);
  let scenarios: ScenarioName[] = base.scenarios;
  if (values.scenario !== undefined && values.scenario !== 'all') {
    scenarios = values.scenario.split(',').map((s) => {
      if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenario: unknown scenario "${s}" (known: all, ${SCENARIOS.join(', ')})`);
      return s as ScenarioName;
    });
  }
  const nackRate = values['nack-rate'] === undefined ? base.nackRate : Number(values['nack-rate']);
  if (!(nackRate >= 0 && nackRate <= 1)) throw new Error(`--nack-rate: must be between 0 and 1, got "${values['nack-rate']}"`);
  const churnRate = values['churn-rate'] === undefined ? base.churnRate : Number(values['churn-rate']);
  if (!(churnRate > 0)) throw new Error(`--churn-rate: must be a positive number, got "${values['churn-rate']}"`);
  const churnSeconds = values['churn-seconds'] === undefined ? base.churnSeconds : Number(values['churn-seconds']);
  if (!(churnSeconds > 0)) throw new Error(`--churn-seconds: must be a positive number, got "${values['churn-seconds']}"`);
  const churnVia = values['churn-via'] ?? base.churnVia;
  if (churnVia !== 'http' && churnVia !== 'store') throw new Error(`--churn-via: must be http or store, got "${churnVia}"`);
  const upstreams = int('upstreams', values.upstreams, 0) ?? Math.min(base.upstreams, services - 1);
  const mode = values.mode ?? base.mode;
  if (mode !== 'delta' && mode !== 'sotw') throw new Error(`--mode: must be delta or sotw, got "${mode}"`);
  const options: Omit<BenchOptions, 'log'> = {
    ...base,
    mode,
    proxies,
    services,
    instances,
    upstreams,
    instancesPerNode: int('instances-per-node', values['instances-per-node'], 1) ?? base.instancesPerNode,
    scenarios,
    nackRate,
    rounds: int('rounds', values.rounds, 1) ?? base.rounds,
    churnRate,
    churnSeconds,
    churnVia,
    timeoutMs: int('timeout-ms', values['timeout-ms'], 1) ?? base.timeoutMs,
    coalesceMs: int('coalesce-ms', values['coalesce-ms'], 0) ?? base.coalesceMs,
    httpSample: int('http-sample', values['http-sample'], 0) ?? base.httpSample,
    batch: int('batch', values.batch, 1) ?? base.batch,
    seed: int('seed', values.seed, 0) ?? base.seed,
    replay: values['no-replay'] ? false : base.replay,
    ...(values['cpu-prof'] ? { cpuProfileDir: values['cpu-prof'] } : {}),
  };
  return { options, smoke, out: values.out, help: values.help === true };
}

/** Why a smoke run failed, or an empty list. */
export function smokeFailures(result: BenchResult): string[] {
  const problems: string[] = [];
  for (const r of [result.connect, ...result.scenarios]) {
    if (r.missing > 0) problems.push(`${r.name}: ${r.missing} of ${r.expected} did not converge (e.g. ${r.missingSample.join(', ')})${r.note ? `; ${r.note}` : ''}`);
    if (r.converged === 0) problems.push(`${r.name}: nothing to measure (no affected proxy)`);
    if (r.unexpectedNacks > 0) problems.push(`${r.name}: ${r.unexpectedNacks} unexpected NACKs (undecodable resources)`);
    if (r.replayError) problems.push(`${r.name}: the replay ceiling failed (${r.replayError})`);
    if (r.streamErrors > 0) problems.push(`${r.name}: ${r.streamErrors} ADS streams failed (${r.streamErrorSample.join('; ')})`);
    const e = r.encodeOnce;
    if ((ENCODE_ONCE_SCENARIOS as readonly string[]).includes(r.name) && encodeOnceExcess(e) > 0) {
      problems.push(
        `${r.name}: ${e.encodings} encodings for ${e.distinctReceived} distinct versions received, ` +
          `more than the ${encodeOnceSlack(e.distinctReceived)} allowed for resources superseded before they were sent (re-encoding)`,
      );
    }
  }
  const deliberate = [result.connect, ...result.scenarios].reduce((n, r) => n + r.nacksSent, 0);
  if (result.server.serverNackRecords > deliberate) {
    problems.push(`the server recorded NACKs on ${result.server.serverNackRecords} types, more than the ${deliberate} NACKs sent on purpose`);
  }
  return problems;
}

async function main(): Promise<void> {
  const { options, smoke, out, help } = parseBenchArgs(process.argv.slice(2));
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const result = await runBenchmark({ ...options, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${formatTable(result)}\n`);
  const file = out ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `bench-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`result: ${file}\n`);
  if (smoke) {
    const problems = smokeFailures(result);
    if (problems.length > 0) {
      process.stderr.write(`smoke failed:\n  ${problems.join('\n  ')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('smoke: every proxy converged in every scenario, no unexpected NACK\n');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: Error) => {
    process.stderr.write(`bench: ${err.message}\n`);
    process.exitCode = 1;
  });
}
