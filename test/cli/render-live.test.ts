import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchProxyResources } from '../../cli/ads-fetch.ts';
import { silentLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer, type RunningServer } from '../../cli/server.ts';
import { runCli } from './config-dir.ts';

let server: RunningServer;
let tmp: string;

async function put(path: string, body: unknown): Promise<void> {
  const res = await fetch(`http://${server.httpAddress}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sb-render-'));
  server = await startServer({
    ...defaultServerOptions(silentLogger()),
    // Dev mode: ACLs off, so the test registers without a token.
    dev: true,
    dataDir: tmp,
    inMemory: true,
    httpPort: 0,
    grpcPort: 0,
    dnsPort: 0,
    defaultIntentionPolicy: 'allow',
    coalesceMs: 10,
  });
  await put('/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'http' });
  await put('/v1/agent/service/register', { Name: 'api', Port: 9001, Check: { TTL: '30s', Status: 'passing' }, Connect: { SidecarService: { Port: 21500 } } });
  await put('/v1/agent/service/register', {
    Name: 'web',
    Port: 8080,
    Connect: { SidecarService: { Port: 21501, Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } } },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const names = (list: { name?: unknown; cluster_name?: unknown }[]): unknown[] => list.map((r) => r.name ?? r.cluster_name);

describe('switchboard render against a live server', () => {
  it('fetches a sidecar\'s resources over delta ADS, following references to endpoints, routes and secrets', async () => {
    const td = server.ca.trustDomain;
    const apiSni = `api.default.dc1.internal.${td}`;
    const r = await fetchProxyResources({ grpcAddr: server.grpcAddress, nodeId: 'web-sidecar-proxy', cluster: 'web', flavour: 'envoy', timeoutMs: 10_000 });
    expect(r.missing).toEqual([]);
    expect(names(r.resources.listeners).sort()).toEqual(['api:127.0.0.1:9191', 'public_listener:127.0.0.1:21501']);
    expect(names(r.resources.clusters).sort()).toEqual([apiSni, 'local_app']);
    expect(names(r.resources.routes)).toEqual(['api']);
    expect(names(r.resources.endpoints)).toEqual([apiSni]);
    expect(names(r.resources.secrets).sort()).toEqual(['ca-roots', 'leaf']);
    // The api sidecar's endpoint is the one registered, decoded with Envoy's protos.
    expect(JSON.stringify(r.resources.endpoints[0])).toContain('"port_value":21500');
  });

  it('prints the resources as JSON sorted by name, private keys redacted unless --show-secrets (real CLI)', async () => {
    const base = ['render', '--proxy-id', 'web-sidecar-proxy', '--grpc-addr', server.grpcAddress, '--server', `http://${server.httpAddress}`];
    const r = await runCli(base);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, { name?: string; cluster_name?: string }[]>;
    expect(Object.keys(doc)).toEqual(['listeners', 'clusters', 'routes', 'endpoints', 'secrets']);
    expect(names(doc['listeners']!)).toEqual(['api:127.0.0.1:9191', 'public_listener:127.0.0.1:21501']);
    expect(names(doc['clusters']!)).toEqual([`api.default.dc1.internal.${server.ca.trustDomain}`, 'local_app']);
    expect(r.stdout).toContain('[redacted]');
    expect(r.stdout).not.toContain('PRIVATE KEY');

    const shown = await runCli([...base, '--show-secrets']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('PRIVATE KEY');
  });

  it('exits 1 and says what never arrived for a proxy the server does not know', async () => {
    const r = await runCli(['render', '--proxy-id', 'ghost-sidecar-proxy', '--grpc-addr', server.grpcAddress, '--server', `http://${server.httpAddress}`, '--timeout', '1500']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not received within 1500 ms: clusters/*, listeners/*');
    // Asked while the stream is still open, the server explains why it sends nothing.
    expect(r.stderr).toContain('the server says about ghost-sidecar-proxy: ');
    expect(r.stderr).toContain('"ghost-sidecar-proxy"');
  });

  it('fetches a proxyless client\'s listener and follows it to the route, cluster and endpoints', async () => {
    await put('/v1/agent/service/register', { Name: 'billing', Port: 50051, Connect: { Native: true } });
    await put('/v1/agent/service/register', { Name: 'reporter', Port: 50052, Connect: { Native: true } });
    const r = await fetchProxyResources({ grpcAddr: server.grpcAddress, nodeId: 'reporter', flavour: 'grpc', listeners: ['billing'], timeoutMs: 10_000 });
    expect(r.missing).toEqual([]);
    expect(names(r.resources.listeners)).toEqual(['billing']);
    expect(r.resources.clusters.length).toBe(1);
    expect(names(r.resources.endpoints)).toEqual(names(r.resources.clusters));
    expect(JSON.stringify(r.resources.endpoints[0])).toContain('"port_value":50051');
  });
});
