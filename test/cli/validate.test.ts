import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../cli/config-files.ts';
import { checkConfigPaths } from '../../cli/offline-check.ts';
import { OFFLINE_CLUSTER_ID } from '../../cli/offline-mesh.ts';
import { configDir, EXAMPLE_CONFIG_DIR, runCli } from './config-dir.ts';

const OPTS = { datacenter: 'dc1', defaultAllow: false };
const TRUST_DOMAIN = `${OFFLINE_CLUSTER_ID}.consul`;

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function dirWith(files: Record<string, string | object>): string {
  const d = configDir(files);
  cleanup.push(d.remove);
  return d.dir;
}

/** The problem lines of a check, with the temporary directory cut off the file names. */
async function problemLines(dir: string): Promise<string[]> {
  const r = await checkConfigPaths([dir], OPTS);
  return r.problems.map(formatProblem).map((l) => l.split(`${dir}/`).join(''));
}

const httpDefaults = (name: string): object => ({ Kind: 'service-defaults', Name: name, Protocol: 'http' });

describe('switchboard validate', () => {
  it('passes the example config dir (JSON and YAML, lists, multi-document YAML, a services wrapper) and counts what it checked', async () => {
    const r = await checkConfigPaths([EXAMPLE_CONFIG_DIR], OPTS);
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.configEntries).toBe(7);
    expect(r.intentions).toBe(2);
    expect(r.services).toBe(4);
    // web, api-v1, api-v2 sidecars and the Connect-native billing service.
    expect(r.rendered.map((x) => x.proxy.proxyId)).toEqual(['api-v1-sidecar-proxy', 'api-v2-sidecar-proxy', 'billing', 'web-sidecar-proxy']);
    expect(r.resources).toBeGreaterThan(20);
    const billing = r.rendered.find((x) => x.proxy.proxyId === 'billing')!;
    expect(billing.resources!.listeners.map((l) => l.name)).toContain('grpc/server?xds.resource.listening_address=127.0.0.1:50051');
    expect(billing.resources!.secrets).toEqual([]);
  });

  it('reports a bad config entry with its file, entry and field', async () => {
    const dir = dirWith({
      'config/web-router.yaml': 'Kind: service-router\nName: web\nRoutes:\n  - Match:\n      HTTP:\n        PathPrefix: admin\n',
    });
    expect(await problemLines(dir)).toEqual(['config/web-router.yaml: service-router "web": Routes[0].Match.HTTP.PathPrefix: "admin" must begin with "/"']);
  });

  it('reports a redirect loop across entries in different files', async () => {
    const dir = dirWith({
      'a.json': [httpDefaults('a'), { Kind: 'service-resolver', Name: 'a', Redirect: { Service: 'b' } }],
      'b.yaml': 'Kind: service-resolver\nName: b\nRedirect:\n  Service: a\n',
    });
    const lines = await problemLines(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^b\.yaml: service-resolver "b": Redirect creates a loop \(a\.default\.default\.dc1 -> b\.default\.default\.dc1 -> a/);
  });

  it('reports splitter weights that do not sum to 100', async () => {
    const dir = dirWith({
      'split.yaml': '- Kind: service-defaults\n  Name: c\n  Protocol: http\n- Kind: service-splitter\n  Name: c\n  Splits:\n    - Weight: 50\n      ServiceSubset: one\n    - Weight: 30\n      ServiceSubset: two\n',
    });
    expect(await problemLines(dir)).toContain('split.yaml: service-splitter "c": Splits weights sum to 80, they must sum to 100');
  });

  it('reports a splitter subset that the resolver in another file does not define, against the file of the splitter', async () => {
    const dir = dirWith({
      'defaults.json': httpDefaults('api'),
      'resolver.json': { Kind: 'service-resolver', Name: 'api', Subsets: { v1: { Filter: 'Service.Meta.version == v1' } } },
      'splitter.json': { Kind: 'service-splitter', Name: 'api', Splits: [{ Weight: 50, ServiceSubset: 'v1' }, { Weight: 50, ServiceSubset: 'v9' }] },
    });
    const lines = await problemLines(dir);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('splitter.json: service-splitter "api": '))).toBe(true);
    expect(lines.join('\n')).toContain('v9');
  });

  it('reports L7 intentions on a TCP service, and accepts them on an HTTP one', async () => {
    const intention = (name: string): object => ({
      Kind: 'service-intentions',
      Name: name,
      Sources: [{ Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/x' } }] }],
    });
    const bad = dirWith({ 'intentions.json': intention('db') });
    expect(await problemLines(bad)).toEqual([
      'intentions.json: service-intentions "db": Sources[0].Permissions: L7 permissions need an HTTP-based protocol (http, http2 or grpc); destination "db" has protocol "tcp"',
    ]);
    const good = dirWith({ 'intentions.json': [httpDefaults('db'), intention('db')] });
    expect(await problemLines(good)).toEqual([]);
  });

  it('applies the API\'s other write rules: only the default namespace exists; no L7 permissions on a wildcard destination', async () => {
    const wildcard = { Kind: 'service-intentions', Name: '*', Sources: [{ Name: 'web', Action: 'deny' }] };
    const dir = dirWith({
      'ns.yaml': 'Kind: service-defaults\nName: z\nNamespace: team\nProtocol: http\n',
      'wild.json': wildcard,
    });
    expect(await problemLines(dir)).toEqual([
      'ns.yaml: service-defaults "z": Namespace: "team" is not supported; only the "default" namespace exists (leave Namespace out)',
    ]);
    const l7 = dirWith({
      'global.yaml': 'Kind: proxy-defaults\nName: global\nConfig:\n  protocol: http\n',
      'wild.json': { ...wildcard, Sources: [{ Name: 'web', Permissions: [{ Action: 'deny', HTTP: { PathPrefix: '/admin' } }] }] },
    });
    expect(await problemLines(l7)).toEqual(['wild.json: service-intentions "*": Sources[0].Permissions: cannot be used on an intention whose destination is a wildcard']);
  });

  it('reports a service definition the agent API would refuse (port 70000, connect-proxy without a destination)', async () => {
    const dir = dirWith({
      'services/pay.json': { Name: 'pay', Port: 70000, Connect: { SidecarService: {} } },
      'services/proxy.yaml': 'Name: lonely-proxy\nKind: connect-proxy\nPort: 21000\n',
    });
    expect(await problemLines(dir)).toEqual([
      'services/pay.json: service "pay": Port: must be <= 65535',
      'services/proxy.yaml: service "lonely-proxy": Proxy.DestinationServiceName: required for a connect-proxy',
    ]);
  });

  it("reports a service whose rendered Envoy resources fail Envoy's validation rules", async () => {
    const dir = dirWith({
      'services/web.json': {
        Name: 'web',
        Port: 8080,
        Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191, Config: { connect_timeout_ms: 0 } }] } } },
      },
    });
    expect(await problemLines(dir)).toEqual([
      `services/web.json: proxy web-sidecar-proxy: clusters[api.default.dc1.internal.${TRUST_DOMAIN}].connect_timeout: duration.gt 0s (must be greater than 0s, is 0s)`,
    ]);
  });

  it('reports the same ID or entry defined twice', async () => {
    const dir = dirWith({
      'a.json': [{ Name: 'web', Port: 80 }, httpDefaults('web')],
      'b.yaml': '- Name: web\n  Port: 81\n- Kind: service-defaults\n  Name: web\n  Protocol: http\n',
    });
    const lines = await problemLines(dir);
    expect(lines).toContain(`b.yaml: service-defaults "web": defined more than once (also in ${dir}/a.json); keep one`.split(`${dir}/`).join(''));
    expect(lines.some((l) => l.startsWith('b.yaml: service "web": ID: service ID "web" is already registered by'))).toBe(true);
  });

  it('reports unparseable JSON and YAML with the line and column, and objects that are neither kind', async () => {
    const dir = dirWith({
      'bad.json': '{\n  "Kind": "service-defaults",\n  "Name": "y",,\n}\n',
      'bad.yaml': 'Kind: service-defaults\nName: x\n  Protocol: http\n',
      'odd.yaml': '- Port: 80\n- 42\n',
      'notes.txt': 'not read: not a config extension',
    });
    expect(await problemLines(dir)).toEqual([
      'bad.json: invalid JSON at line 3, column 15: Expected double-quoted property name',
      'bad.yaml: invalid YAML at line 2, column 7: Nested mappings are not allowed in compact mappings',
      'odd.yaml: [1]: expected an object or a list of objects, got number',
      'odd.yaml: object 0: neither a config entry (no Kind) nor a service definition (no Name)',
    ]);
  });

  it('reports a path that does not exist and a directory with nothing to read', async () => {
    const empty = dirWith({ 'README.md': '# nothing here' });
    const r = await checkConfigPaths([empty, `${empty}/missing`], OPTS);
    expect(r.problems.map(formatProblem).map((l) => l.split(`${empty}/`).join(''))).toEqual(['missing: no such file or directory']);
    const r2 = await checkConfigPaths([empty], OPTS);
    expect(r2.problems.map((p) => p.message)).toEqual(['no .json, .yaml or .yml files found']);
  });

  it('exits 0 with a summary on the example dir (real CLI)', async () => {
    const r = await runCli(['validate', EXAMPLE_CONFIG_DIR]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 9 config entries, 4 services, \d+ discovery chains, 4 proxies, \d+ resources checked\n$/);
  });

  it('exits 1 with one line per problem, and prints JSON with --format json (real CLI)', async () => {
    const dir = dirWith({
      'web-router.yaml': 'Kind: service-router\nName: web\nRoutes:\n  - Match:\n      HTTP:\n        PathPrefix: admin\n',
      'pay.json': { Name: 'pay', Port: 70000 },
    });
    const text = await runCli(['validate', '.'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      'pay.json: service "pay": Port: must be <= 65535',
      'web-router.yaml: service-router "web": Routes[0].Match.HTTP.PathPrefix: "admin" must begin with "/"',
    ]);
    expect(text.stderr).toMatch(/^2 problems found/);

    const json = await runCli(['validate', '--format', 'json', dir]);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { ok: boolean; problems: { file: string; entry: string; field?: string; message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.problems).toContainEqual({ file: `${dir}/pay.json`, entry: 'service "pay"', field: 'Port', message: 'must be <= 65535' });
  });
});

describe('switchboard render --dir', () => {
  it('prints the resources of one proxy of a config dir, sorted by name, private keys redacted (real CLI)', async () => {
    const r = await runCli(['render', '--proxy-id', 'web-sidecar-proxy', '--dir', EXAMPLE_CONFIG_DIR]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, { name?: string; cluster_name?: string }[]>;
    expect(Object.keys(doc)).toEqual(['listeners', 'clusters', 'routes', 'endpoints', 'secrets']);
    expect(doc['listeners']!.map((l) => l.name)).toEqual(['api:127.0.0.1:9191', expect.stringMatching(/^public_listener:127\.0\.0\.1:210\d\d$/)]);
    // examples/config routes api through a resolver with v1/v2 subsets: one cluster per subset.
    expect(doc['clusters']!.map((c) => c.name)).toEqual(['local_app', `v1.api.default.dc1.internal.${TRUST_DOMAIN}`, `v2.api.default.dc1.internal.${TRUST_DOMAIN}`]);
    expect(doc['endpoints']!.map((c) => c.cluster_name)).toEqual([`v1.api.default.dc1.internal.${TRUST_DOMAIN}`, `v2.api.default.dc1.internal.${TRUST_DOMAIN}`]);
    expect(r.stdout).toContain('"private_key": {\n');
    expect(r.stdout).toContain('[redacted]');
    expect(r.stdout).not.toContain('PRIVATE KEY');
  });

  it('exits 1 for a proxy the config does not define', async () => {
    const r = await runCli(['render', '--proxy-id', 'nope', '--dir', EXAMPLE_CONFIG_DIR]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no sidecar or Connect-native service with ID "nope"');
  });
});
