/**
 * ACLs end to end on a whole server (ACLs on, default deny): bootstrap,
 * policies and tokens through the HTTP API, the Consul client library using
 * a token, list filtering, the leaf endpoint, and xDS streams that present
 * (or do not present) a token, including revocation.
 */
import * as grpc from '@grpc/grpc-js';
import Consul from 'consul';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer, type RunningServer } from '../../cli/server.ts';
import { adsServiceDefinition } from '../../xds/index.ts';
import { CLUSTER_TYPE, SECRET_TYPE } from '../../xds/type-urls.ts';
import { messageType } from '../../xds/protos.ts';
import { AdsTestStream, makeNode, type DeltaResponse } from '../xds/ads-client.ts';
import type { DeltaDiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import { routesSeenByAcl, routesWithoutAclRule } from '../../api/acl-enforce.ts';

let server: RunningServer;
let dataDir: string;
let base: string;
let root: string;
const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
let ads: grpc.Client & Record<string, (md: grpc.Metadata) => unknown>;
const streams: AdsTestStream<DeltaDiscoveryRequest, DeltaResponse>[] = [];

async function http(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; text: string; json: unknown; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: token ? { 'X-Consul-Token': token } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

async function ok(method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await http(method, path, token, body);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.json as Record<string, unknown>;
}

async function makeToken(rules: string | undefined, extra: Record<string, unknown> = {}): Promise<{ secret: string; accessor: string }> {
  const links: { ID: string }[] = [];
  if (rules !== undefined) {
    const p = await ok('PUT', '/v1/acl/policy', root, { Name: `p-${Math.random().toString(36).slice(2, 10)}`, Rules: rules });
    links.push({ ID: String(p['ID']) });
  }
  const t = await ok('PUT', '/v1/acl/token', root, { Policies: links, ...extra });
  return { secret: String(t['SecretID']), accessor: String(t['AccessorID']) };
}

function openDelta(token?: string): AdsTestStream<DeltaDiscoveryRequest, DeltaResponse> {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('x-consul-token', token);
  const s = new AdsTestStream(ads['DeltaAggregatedResources']!(md) as grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaResponse>);
  streams.push(s);
  return s;
}

function endedWithin<Q, R>(s: AdsTestStream<Q, R>, ms: number): Promise<grpc.ServiceError | undefined> {
  return Promise.race([s.ended(), new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`stream still open after ${ms} ms`)), ms))]);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sb-acl-'));
  server = await startServer({ ...defaultServerOptions(silentLogger()), dataDir, inMemory: true, httpPort: 0, grpcPort: 0, dnsPort: -1, nodeName: 'acl-agent', coalesceMs: 5 });
  base = `http://${server.httpAddress}`;
  ads = new AdsClient(server.grpcAddress, grpc.credentials.createInsecure(), { 'grpc.enable_channelz': 0 }) as typeof ads;
});

afterAll(async () => {
  for (const s of streams) s.close();
  ads?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ACLs over the HTTP API', () => {
  it('are on by default without dev mode; bootstrap works once', async () => {
    expect(server.acl).toBeDefined();
    const r = await http('PUT', '/v1/acl/bootstrap');
    expect(r.status).toBe(200);
    const tok = r.json as Record<string, unknown>;
    expect(tok).toMatchObject({
      Description: 'Bootstrap Token (Global Management)',
      Policies: [{ ID: '00000000-0000-0000-0000-000000000001', Name: 'global-management' }],
      Local: false,
    });
    expect(String(tok['SecretID'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(tok['CreateIndex']).toBeGreaterThan(0);
    expect(tok['ModifyIndex']).toBe(tok['CreateIndex']);
    root = String(tok['SecretID']);
    const again = await http('PUT', '/v1/acl/bootstrap');
    expect(again.status).toBe(403);
    expect(again.text).toMatch(/^ACL bootstrap no longer allowed \(reset index: \d+\)$/);
    // The secret is stored hashed: it never reads back.
    const read = await ok('GET', `/v1/acl/token/${String(tok['AccessorID'])}`, root);
    expect(read['SecretID']).toBe('<hidden>');
    expect(JSON.stringify(server.store.getKeyMaterial('acl'))).not.toContain(root);
  });

  it('refuses the anonymous token, unknown tokens, and says which permission is missing', async () => {
    const anon = await http('PUT', '/v1/agent/service/register', undefined, { Name: 'web', Port: 80 });
    expect(anon.status).toBe(403);
    expect(anon.text).toBe(`Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'service:write' on "web"`);
    const unknown = await http('GET', '/v1/catalog/services', '7b3a1b0e-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(403);
    expect(unknown.text).toBe('ACL not found');
    // Bearer and ?token= work as X-Consul-Token does.
    const bearer = await fetch(`${base}/v1/acl/token/self`, { headers: { Authorization: `Bearer ${root}` } });
    expect(bearer.status).toBe(200);
    expect(((await bearer.json()) as { Policies: { Name: string }[] }).Policies[0]!.Name).toBe('global-management');
    expect((await http('GET', `/v1/acl/policies?token=${root}`)).status).toBe(200);
    expect((await http('GET', '/v1/acl/policies')).status).toBe(403);
    // Public routes need no token.
    expect((await http('GET', '/v1/status/leader')).status).toBe(200);
    expect((await http('GET', '/v1/connect/ca/roots')).status).toBe(200);
  });

  it('rejects bad rules naming the line', async () => {
    const r = await http('PUT', '/v1/acl/policy', root, { Name: 'bad', Rules: 'service "web" {\n  policy = "wrte"\n}' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Rules: line 2: policy must be "read", "write" or "deny"/);
    const dup = await http('PUT', '/v1/acl/policy', root, { Name: 'global-management', Rules: '' });
    expect(dup.status).toBe(400);
  });

  it('the Consul client library with a token registers what the token allows and gets 403 otherwise', async () => {
    const web = await makeToken('service "web" { policy = "write" }\nservice_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }');
    const consul = new Consul({ host: '127.0.0.1', port: Number(server.httpAddress.split(':').pop()), defaults: { token: web.secret } } as never);
    try {
      await consul.agent.service.register({ name: 'web', id: 'web-1', port: 8080 } as never);
      const err = await consul.agent.service.register({ name: 'db', id: 'db-1', port: 5432 } as never).then(
        () => undefined,
        (e: unknown) => e as { statusCode?: number; response?: { statusCode?: number; body?: unknown }; message: string },
      );
      expect(err).toBeDefined();
      expect(err!.response?.statusCode ?? err!.statusCode).toBe(403);
      expect(String(err!.response?.body ?? '')).toMatch(/lacks permission 'service:write' on "db"/);
      const list = (await consul.agent.service.list()) as Record<string, { Service: string }>;
      expect(Object.keys(list)).toEqual(['web-1']);
    } finally {
      consul.destroy();
    }
  });

  it('filters lists to what the token may read and says so in a header', async () => {
    await ok('PUT', '/v1/agent/service/register', root, { Name: 'db', ID: 'db-1', Port: 5432 });
    await ok('PUT', '/v1/connect/intentions/exact?source=web&destination=db', root, { Action: 'allow' });
    await ok('PUT', '/v1/connect/intentions/exact?source=db&destination=web', root, { Action: 'deny' });
    const reader = await makeToken('service "web" { policy = "read" }\nnode_prefix "" { policy = "read" }');
    const services = await http('GET', '/v1/catalog/services', reader.secret);
    expect(services.status).toBe(200);
    expect(Object.keys(services.json as object)).toEqual(['web']);
    expect(services.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    const dbRows = await http('GET', '/v1/catalog/service/db', reader.secret);
    expect(dbRows.json).toEqual([]);
    expect(dbRows.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    const webRows = await http('GET', '/v1/health/service/web', reader.secret);
    expect((webRows.json as unknown[]).length).toBe(1);
    expect(webRows.headers.get('x-consul-results-filtered-by-acls')).toBeNull();
    expect((await http('GET', '/v1/health/service/db', reader.secret)).json).toEqual([]);
    const agentServices = await http('GET', '/v1/agent/services', reader.secret);
    expect(Object.keys(agentServices.json as object)).toEqual(['web-1']);
    expect(agentServices.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    const ixns = await http('GET', '/v1/connect/intentions', reader.secret);
    expect((ixns.json as { DestinationName: string }[]).map((i) => i.DestinationName)).toEqual(['web']);
    expect(ixns.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    const entries = await http('GET', '/v1/config/service-intentions', reader.secret);
    expect((entries.json as { Name: string }[]).map((e) => e.Name)).toEqual(['web']);
    expect(entries.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
    // The management token sees everything, unflagged.
    const all = await http('GET', '/v1/catalog/services', root);
    expect(Object.keys(all.json as object).sort()).toEqual(['db', 'web']);
    expect(all.headers.get('x-consul-results-filtered-by-acls')).toBeNull();
  });

  it('writing an intention needs intentions:write on its destination; config entries and CA config need their rules', async () => {
    const t = await makeToken('service "web" { policy = "read" intentions = "write" }');
    expect((await http('PUT', '/v1/connect/intentions/exact?source=x&destination=web', t.secret, { Action: 'allow' })).status).toBe(200);
    const denied = await http('PUT', '/v1/connect/intentions/exact?source=x&destination=db', t.secret, { Action: 'allow' });
    expect(denied.text).toMatch(/lacks permission 'intentions:write' on "db"/);
    const sd = await http('PUT', '/v1/config', t.secret, { Kind: 'service-defaults', Name: 'web', Protocol: 'http' });
    expect(sd.text).toMatch(/lacks permission 'service:write' on "web"/);
    const pd = await http('PUT', '/v1/config', t.secret, { Kind: 'proxy-defaults', Name: 'global', Config: {} });
    expect(pd.text).toMatch(/lacks permission 'mesh:write'/);
    const op = await makeToken('operator = "write"');
    expect((await http('PUT', '/v1/config', op.secret, { Kind: 'proxy-defaults', Name: 'global', Config: {} })).status).toBe(200);
    expect((await http('GET', '/v1/connect/ca/configuration', t.secret)).status).toBe(403);
    expect((await http('GET', '/v1/connect/ca/configuration', op.secret)).status).toBe(200);
  });

  it('the leaf endpoint needs service:write on that service', async () => {
    const web = await makeToken(undefined, { ServiceIdentities: [{ ServiceName: 'web' }] });
    expect((await http('GET', '/v1/agent/connect/ca/leaf/web', web.secret)).status).toBe(200);
    const other = await http('GET', '/v1/agent/connect/ca/leaf/api', web.secret);
    expect(other.status).toBe(403);
    expect(other.text).toMatch(/lacks permission 'service:write' on "api"/);
  });

  it('every registered route has a rule in the table', () => {
    const seen = routesSeenByAcl(server.api);
    expect(seen).toContain('GET /v1/catalog/services');
    expect(seen).toContain('PUT /v1/acl/bootstrap');
    expect(seen.length).toBeGreaterThan(60);
    expect(routesWithoutAclRule(server.api)).toEqual([]);
  });
});

describe('ACLs on xDS streams', () => {
  let apiToken: { secret: string; accessor: string };
  let webToken: { secret: string; accessor: string };

  beforeAll(async () => {
    await ok('PUT', '/v1/agent/service/register', root, { ID: 'api', Name: 'api', Port: 8080, Connect: { SidecarService: {} } });
    await ok('PUT', '/v1/agent/service/register', root, { ID: 'web', Name: 'web', Port: 8081, Connect: { SidecarService: {} } });
    apiToken = await makeToken(undefined, { ServiceIdentities: [{ ServiceName: 'api' }] });
    webToken = await makeToken(undefined, { ServiceIdentities: [{ ServiceName: 'web' }] });
  });

  const cases: [string, () => string | undefined][] = [
    ['no token', () => undefined],
    ['an unknown token', () => '0d7e1c52-1111-4222-8333-444455556666'],
    ["a token for another service (web's, for api's sidecar)", () => webToken.secret],
  ];
  it.each(cases)('refuses a stream with %s: PERMISSION_DENIED', async (_n, token) => {
    const s = openDelta(token());
    s.send({ node: makeNode('api-sidecar-proxy'), type_url: CLUSTER_TYPE });
    const err = await endedWithin(s, 5000);
    expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('serves a stream whose token writes the service; the proxy gets only its own leaf; revoking the token ends the stream', async () => {
    const s = openDelta(apiToken.secret);
    s.send({ node: makeNode('api-sidecar-proxy'), type_url: CLUSTER_TYPE });
    const clusters = await s.next(5000);
    expect(clusters.type_url).toBe(CLUSTER_TYPE);
    expect((clusters.resources ?? []).map((r) => r.name)).toContain('local_app');
    s.send({ type_url: CLUSTER_TYPE, response_nonce: clusters.nonce });

    // Every proxy's leaf is called `leaf`; asking for another name gets nothing, and `leaf` is api's own.
    s.send({ type_url: SECRET_TYPE, resource_names_subscribe: ['leaf:web', 'leaf'] });
    const secrets = await s.next(5000);
    expect(secrets.type_url).toBe(SECRET_TYPE);
    expect((secrets.resources ?? []).map((r) => r.name)).toEqual(['leaf']);
    const leafPem = decodeSecretPem(secrets.resources?.[0]?.resource?.value);
    expect(new X509Certificate(leafPem).subjectAltName).toMatch(/\/svc\/api(,|$)/);
    s.send({ type_url: SECRET_TYPE, response_nonce: secrets.nonce });
    await s.expectSilence(300);

    const del = await http('DELETE', `/v1/acl/token/${apiToken.accessor}`, root);
    expect(del.status).toBe(200);
    const err = await endedWithin(s, 5000);
    expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err?.details).toMatch(/ACL not found/);
  });

  it('mesh:write may serve any proxy', async () => {
    const mesh = await makeToken('mesh = "write"');
    const s = openDelta(mesh.secret);
    s.send({ node: makeNode('web-sidecar-proxy'), type_url: CLUSTER_TYPE });
    expect((await s.next(5000)).type_url).toBe(CLUSTER_TYPE);
  });
});

/** The certificate chain PEM of an encoded envoy Secret. */
function decodeSecretPem(value: Buffer | Uint8Array | string | undefined): string {
  if (!value || typeof value === 'string') throw new Error('secret without bytes');
  const type = messageType('envoy.extensions.transport_sockets.tls.v3.Secret');
  const secret = type.toObject(type.decode(value)) as { tls_certificate?: { certificate_chain?: { inline_string?: string } } };
  return secret.tls_certificate?.certificate_chain?.inline_string ?? '';
}
