/**
 * The Envoy flavour over the whole control plane: services registered with
 * sidecars through the HTTP API, a raw delta ADS client speaking as the web
 * sidecar, and the resources it receives checked for names, identities,
 * endpoints, real certificates and Envoy's validate rules.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiProxyStatus } from '../../api/xds.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, messageNameOf, messageType } from '../../xds/index.ts';
import { formatViolation, validateResource, validateResourceSet } from '../../xds/validate/index.ts';
import type { DeltaDiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import { AdsTestClient, makeNode, type AdsTestStream, type DeltaResponse } from '../xds/ads-client.ts';
import { eventually, freePort, REPO, startMesh, type MeshHarness } from './harness.ts';

type Delta = AdsTestStream<DeltaDiscoveryRequest, DeltaResponse>;
type Obj = Record<string, unknown>;

const execFileAsync = promisify(execFile);

/** A received resource in the form our builders produce (keepCase, Any as `@type`), so the validator and reference checks apply. */
function decodeResource(any: { type_url?: string; value?: Buffer | Uint8Array | string }): Obj {
  const type = messageType(messageNameOf(any.type_url ?? ''));
  const bytes = typeof any.value === 'string' ? Buffer.from(any.value, 'base64') : (any.value ?? new Uint8Array());
  return type.toObject(type.decode(bytes), { json: true, enums: String, longs: String }) as Obj;
}

/** Sends a request, waits for the answer, ACKs it, and returns its resources decoded, by name. */
async function fetchDelta(s: Delta, req: DeltaDiscoveryRequest): Promise<Map<string, Obj>> {
  s.send(req);
  const r = await s.next(5000);
  expect(r.type_url).toBe(req.type_url);
  s.send({ type_url: r.type_url, response_nonce: r.nonce });
  return new Map((r.resources ?? []).map((x) => [x.name ?? '', decodeResource(x.resource!)]));
}

const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);

describe('Envoy sidecars configured from registrations', () => {
  let h: MeshHarness;
  let ads: AdsTestClient;
  let trustDomain: string;

  beforeAll(async () => {
    h = await startMesh({ defaultAllow: true });
    trustDomain = h.server.ca.trustDomain;
    // web first, so its sidecar takes the first port of the sidecar range (21000).
    await h.api('PUT', '/v1/agent/service/register', {
      ID: 'web',
      Name: 'web',
      Port: 8081,
      Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } } },
    });
    await h.api('PUT', '/v1/agent/service/register', { ID: 'api', Name: 'api', Port: 8080, Check: { TTL: '10m', Status: 'passing' }, Connect: { SidecarService: {} } });
    // api speaks HTTP, so web's upstream listener routes through RDS.
    expect(await h.api('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'http' })).toBe(true);
    ads = new AdsTestClient(h.grpcAddr);
  });

  afterAll(async () => {
    ads?.close();
    await h?.close();
  });

  it('serves the web sidecar its listeners, cluster, endpoints, routes and secrets, all valid', async () => {
    const apiSidecar = (await h.api('GET', '/v1/agent/service/api-sidecar-proxy')) as { Address: string; Port: number };
    const webSidecar = (await h.api('GET', '/v1/agent/service/web-sidecar-proxy')) as { Port: number };
    expect(webSidecar.Port).toBe(21000);
    const apiSni = `api.default.dc1.internal.${trustDomain}`;
    const spiffe = (svc: string): string => `spiffe://${trustDomain}/ns/default/dc/dc1/svc/${svc}`;

    const s = ads.delta();
    const clusters = await fetchDelta(s, { node: makeNode('web-sidecar-proxy'), type_url: CLUSTER_TYPE });
    expect([...clusters.keys()].sort()).toEqual([apiSni, 'local_app']);
    const apiCluster = clusters.get(apiSni)!;
    expect(apiCluster).toMatchObject({ name: apiSni, type: 'EDS' });
    expect(at(apiCluster, 'transport_socket', 'typed_config', 'sni')).toBe(apiSni);
    expect(JSON.stringify(at(apiCluster, 'transport_socket', 'typed_config', 'common_tls_context'))).toContain(spiffe('api'));

    const endpoints = await fetchDelta(s, { type_url: ENDPOINT_TYPE, resource_names_subscribe: [apiSni] });
    const lbEndpoints = (at(endpoints.get(apiSni), 'endpoints', 0, 'lb_endpoints') ?? []) as Obj[];
    expect(lbEndpoints.map((e) => at(e, 'endpoint', 'address', 'socket_address'))).toEqual([
      { address: apiSidecar.Address || '127.0.0.1', port_value: apiSidecar.Port },
    ]);

    const listeners = await fetchDelta(s, { type_url: LISTENER_TYPE });
    expect([...listeners.keys()].sort()).toEqual(['api:127.0.0.1:9191', 'public_listener:127.0.0.1:21000']);
    const routeNames = [...JSON.stringify([...listeners.values()]).matchAll(/"route_config_name":"([^"]+)"/g)].map((m) => m[1]!);
    expect(routeNames).toEqual(['api']);
    const routes = await fetchDelta(s, { type_url: ROUTE_TYPE, resource_names_subscribe: routeNames });
    expect(JSON.stringify(routes.get('api'))).toContain(`"cluster":"${apiSni}"`);

    const secrets = await fetchDelta(s, { type_url: SECRET_TYPE, resource_names_subscribe: ['leaf', 'ca-roots'] });
    expect([...secrets.keys()].sort()).toEqual(['ca-roots', 'leaf']);
    const leafPem = String(at(secrets.get('leaf'), 'tls_certificate', 'certificate_chain', 'inline_string'));
    const leaf = new X509Certificate(leafPem);
    expect(leaf.subjectAltName).toContain(`URI:${spiffe('web')}`);
    const rootPem = String(at(secrets.get('ca-roots'), 'validation_context', 'trusted_ca', 'inline_string'));
    expect(leaf.verify(new X509Certificate(rootPem).publicKey)).toBe(true);

    const set = {
      listeners: [...listeners.values()],
      clusters: [...clusters.values()],
      routes: [...routes.values()],
      endpoints: [...endpoints.values()],
      secrets: [...secrets.values()],
    };
    const checked = validateResourceSet(set);
    expect(checked.ok ? [] : checked.violations.map((v) => formatViolation(v, true))).toEqual([]);
  });

  it('turns a resolver and a splitter on api into subset clusters and weighted routes, still valid', async () => {
    expect(await h.api('PUT', '/v1/config', { Kind: 'service-resolver', Name: 'api', Subsets: { v1: { Filter: 'Service.Meta.version == v1' }, v2: {} } })).toBe(true);
    expect(await h.api('PUT', '/v1/config', { Kind: 'service-splitter', Name: 'api', Splits: [{ Weight: 75, ServiceSubset: 'v1' }, { Weight: 25, ServiceSubset: 'v2' }] })).toBe(true);
    const v1 = `v1.api.default.dc1.internal.${trustDomain}`;
    const v2 = `v2.api.default.dc1.internal.${trustDomain}`;
    const s = ads.delta();
    let clusters = new Map<string, Obj>();
    // The engine rebuilds shortly after the writes; a fresh stream sees the current resources.
    await eventually(async () => {
      const probe = ads.delta();
      clusters = await fetchDelta(probe, { node: makeNode('web-sidecar-proxy'), type_url: CLUSTER_TYPE });
      probe.close();
      return clusters.has(v1);
    }, 3000, 50);
    expect([...clusters.keys()].sort()).toEqual(['local_app', v1, v2]);
    expect(JSON.stringify(clusters.get(v2))).toContain(`spiffe://${trustDomain}/ns/default/dc/dc1/svc/api`);
    const first = await fetchDelta(s, { node: makeNode('web-sidecar-proxy'), type_url: CLUSTER_TYPE });
    const endpoints = await fetchDelta(s, { type_url: ENDPOINT_TYPE, resource_names_subscribe: [v1, v2] });
    const listeners = await fetchDelta(s, { type_url: LISTENER_TYPE });
    const routes = await fetchDelta(s, { type_url: ROUTE_TYPE, resource_names_subscribe: ['api'] });
    expect(at(routes.get('api'), 'virtual_hosts', 0, 'routes', 0, 'route', 'weighted_clusters', 'clusters')).toEqual([
      { name: v1, weight: { value: 7500 } },
      { name: v2, weight: { value: 2500 } },
    ]);
    const secrets = await fetchDelta(s, { type_url: SECRET_TYPE, resource_names_subscribe: ['leaf', 'ca-roots'] });
    const checked = validateResourceSet({
      listeners: [...listeners.values()],
      clusters: [...first.values()],
      routes: [...routes.values()],
      endpoints: [...endpoints.values()],
      secrets: [...secrets.values()],
    });
    expect(checked.ok ? [] : checked.violations.map((v) => formatViolation(v, true))).toEqual([]);
    await h.api('DELETE', '/v1/config/service-splitter/api');
    await h.api('DELETE', '/v1/config/service-resolver/api');
  });

  it('shows a proxy with an unknown node id as a Problem and sends it nothing', async () => {
    const s = ads.delta();
    s.send({ node: makeNode('ghost-sidecar-proxy'), type_url: CLUSTER_TYPE });
    const problem = async (): Promise<ApiProxyStatus | undefined> =>
      ((await h.api('GET', '/v1/xds/proxies')) as ApiProxyStatus[]).find((p) => p.NodeID === 'ghost-sidecar-proxy' && p.Problem !== null);
    expect(await eventually(async () => (await problem()) !== undefined, 3000)).toBe(true);
    expect((await problem())!.Problem!.Message).toContain('no service registered with ID "ghost-sidecar-proxy"');
    await s.expectSilence(300);
  });

  it('`switchboard bootstrap envoy` prints a valid envoy.config.bootstrap.v3.Bootstrap for the sidecar', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['bin/switchboard.mjs', 'bootstrap', 'envoy', '--proxy-id', 'web-sidecar-proxy', '--http-addr', h.httpAddr, '--grpc-addr', h.grpcAddr],
      { cwd: REPO, timeout: 20_000 },
    );
    const b = JSON.parse(stdout) as Obj;
    expect(b['node']).toMatchObject({ id: 'web-sidecar-proxy', cluster: 'web' });
    const node = b['node'] as Obj;
    const r = validateResource('envoy.config.bootstrap.v3.Bootstrap', { ...b, node: { ...node, metadata: structObject(node['metadata'] as Obj) } }, 'bootstrap');
    expect(r.ok ? [] : r.violations.map((v) => formatViolation(v, true))).toEqual([]);
  });
});

const ENVOY_BIN = process.env['ENVOY_BIN'];

/** One HTTP GET; resolves with the status and body, or undefined when the connection fails. */
function httpGet(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

describe.skipIf(!ENVOY_BIN)('two real Envoy sidecars started from `switchboard bootstrap envoy`', () => {
  let h: MeshHarness;
  let app: http.Server;
  const envoys: ChildProcess[] = [];
  let upstreamPort: number;

  beforeAll(async () => {
    h = await startMesh({ defaultAllow: true });
    app = http.createServer((_req, res) => res.end('hello from api'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as { port: number }).port;
    const [apiSidecarPort, webSidecarPort] = [await freePort(), await freePort()];
    upstreamPort = await freePort();
    await h.api('PUT', '/v1/agent/service/register', { ID: 'api', Name: 'api', Port: appPort, Connect: { SidecarService: { Port: apiSidecarPort } } });
    await h.api('PUT', '/v1/agent/service/register', {
      ID: 'web',
      Name: 'web',
      Port: await freePort(),
      Connect: { SidecarService: { Port: webSidecarPort, Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: upstreamPort }] } } },
    });
    for (const id of ['api-sidecar-proxy', 'web-sidecar-proxy']) {
      const { stdout } = await execFileAsync(
        process.execPath,
        ['bin/switchboard.mjs', 'bootstrap', 'envoy', '--proxy-id', id, '--http-addr', h.httpAddr, '--grpc-addr', h.grpcAddr, '--admin-bind', '127.0.0.1:0'],
        { cwd: REPO, timeout: 20_000 },
      );
      const file = join(h.tmp, `${id}.json`);
      writeFileSync(file, stdout);
      const envoy = spawn(ENVOY_BIN!, ['-c', file, '--use-dynamic-base-id', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
      envoys.push(envoy);
    }
  });

  afterAll(async () => {
    for (const e of envoys) e.kill('SIGTERM');
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await h?.close();
  });

  it('carries an HTTP request from web\'s upstream listener through both sidecars (mTLS between them) to api', async () => {
    let last: { status: number; body: string } | undefined;
    const through = await eventually(async () => {
      last = await httpGet(`http://127.0.0.1:${upstreamPort}/`);
      return last?.body === 'hello from api';
    }, 25_000, 200);
    expect(through, `last answer: ${JSON.stringify(last)}`).toBe(true);
    const proxies = (await h.api('GET', '/v1/xds/proxies')) as ApiProxyStatus[];
    for (const id of ['api-sidecar-proxy', 'web-sidecar-proxy']) {
      const p = proxies.find((x) => x.NodeID === id);
      expect(p, id).toMatchObject({ Flavour: 'envoy', Mode: 'delta', Problem: null });
      for (const t of Object.values(p!.Types)) expect(t.LastNack, `${id} ${t.TypeURL}`).toBeNull();
    }
  }, 40_000);
});

/** proto3 JSON writes a Struct as a plain object; protobufjs's object form spells out its Values. */
function structObject(json: Obj): Obj {
  const value = (v: unknown): Obj =>
    typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : typeof v === 'boolean' ? { boolValue: v } : { nullValue: 'NULL_VALUE' };
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, value(v)])) };
}
