/**
 * The examples in envoy-configs/ stay true: registering the example service
 * definitions and running the CLI prints exactly the checked-in bootstraps,
 * and the Envoy ones pass Envoy's Bootstrap schema and validate rules.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatViolation, validateResource } from '../../xds/validate/index.ts';
import { REPO, startMesh, type MeshHarness } from './harness.ts';

const execFileAsync = promisify(execFile);
const DIR = join(REPO, 'envoy-configs', 'two-services');
const read = (f: string): string => readFileSync(join(DIR, f), 'utf8');
type Obj = Record<string, unknown>;

let h: MeshHarness;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['bin/switchboard.mjs', ...args, '--http-addr', h.httpAddr, '--grpc-addr', '127.0.0.1:8502'], {
    cwd: REPO,
    timeout: 20_000,
  });
  return stdout;
}

/** proto3 JSON writes a Struct as a plain object; protobufjs's object form spells out its Values. */
function structObject(json: Obj): Obj {
  const value = (v: unknown): Obj =>
    typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : typeof v === 'boolean' ? { boolValue: v } : { nullValue: 'NULL_VALUE' };
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, value(v)])) };
}

/** The outcome of one CLI run. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<CliRun> {
  try {
    return { code: 0, stdout: await cli(...args), stderr: '' };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const runs = new Map<string, CliRun>();
let certDir: string;

beforeAll(async () => {
  h = await startMesh({ defaultAllow: false });
  for (const def of ['web.json', 'api.json', 'api-native.json']) await h.api('PUT', '/v1/agent/service/register', JSON.parse(read(def)));
  certDir = join(h.tmp, 'api-native');
  // Independent CLI runs, started together: each pays Node and tsx start-up.
  const plan: Record<string, string[]> = {
    'web-1-sidecar-proxy': ['bootstrap', 'envoy', '--proxy-id', 'web-1-sidecar-proxy', '--admin-bind', '127.0.0.1:19000'],
    'api-1-sidecar-proxy': ['bootstrap', 'envoy', '--proxy-id', 'api-1-sidecar-proxy', '--admin-bind', '127.0.0.1:19001'],
    'api-native-1': ['bootstrap', 'grpc', '--service-id', 'api-native-1', '--cert-dir', certDir],
    'envoy-for-web-1': ['bootstrap', 'envoy', '--proxy-id', 'web-1'],
    'grpc-for-sidecar': ['bootstrap', 'grpc', '--service-id', 'web-1-sidecar-proxy', '--cert-dir', join(h.tmp, 'x')],
  };
  await Promise.all(Object.entries(plan).map(async ([key, args]) => runs.set(key, await run(...args))));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

it.each(['web-1-sidecar-proxy', 'api-1-sidecar-proxy'])('%s.bootstrap.json is what `bootstrap envoy` prints, and a valid Bootstrap', (proxyId) => {
  const printed = runs.get(proxyId)!;
  expect(printed.stderr).toBe('');
  expect(printed.stdout, 'run envoy-configs/two-services/generate.sh').toBe(read(`${proxyId}.bootstrap.json`));
  const b = JSON.parse(printed.stdout) as Obj;
  const node = b['node'] as Obj;
  const r = validateResource('envoy.config.bootstrap.v3.Bootstrap', { ...b, node: { ...node, metadata: structObject(node['metadata'] as Obj) } }, 'bootstrap');
  expect(r.ok ? [] : r.violations.map((v) => formatViolation(v, true))).toEqual([]);
});

it('api-native-1.grpc-bootstrap.json is what `bootstrap grpc` prints (cert dir aside)', () => {
  const printed = runs.get('api-native-1')!;
  expect(printed.stderr).toBe('');
  expect(printed.stdout.split(certDir).join('/etc/switchboard/certs/api-native'), 'run envoy-configs/two-services/generate.sh').toBe(
    read('api-native-1.grpc-bootstrap.json'),
  );
});

it('refuses, naming the flag, to print a bootstrap of the wrong kind', () => {
  expect(runs.get('envoy-for-web-1')).toMatchObject({ code: 1, stderr: expect.stringContaining('--proxy-id: service "web-1" is not a connect-proxy') });
  expect(runs.get('grpc-for-sidecar')).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('--service-id: service "web-1-sidecar-proxy" is not Connect-native'),
  });
});
