/**
 * Each request limit, breached on a real listening server: the status and
 * message name the limit, the refusal is logged once with its reason, and
 * no token reaches the log.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as grpc from '@grpc/grpc-js';
import { startServer, type RunningServer } from '../../cli/server.ts';
import { quietServerOptions } from '../api/server-harness.ts';
import { CLUSTER_TYPE } from '../../xds/index.ts';
import { AdsTestClient, makeNode } from '../xds/ads-client.ts';
import { makeCluster } from '../xds/fixtures.ts';
import { jsonDepthExceeds, resolveApiLimits } from '../../api/limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'sb-limits-'));
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await startServer({
    ...quietServerOptions(dir, pino({ level: 'info' }, sink)),
    limits: { bodyLimit: 4096, maxJsonDepth: 8, maxHeaderSize: 2048, maxParkedQueriesPerClient: 2, maxResourceNamesPerRequest: 5, maxStreamsPerClient: 2 },
  });
  port = Number(server.httpAddress.split(':').pop());
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false, signal }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

it('jsonDepthExceeds counts brackets outside strings only', () => {
  expect(jsonDepthExceeds(nested(8), 8)).toBe(false);
  expect(jsonDepthExceeds(nested(9), 8)).toBe(true);
  expect(jsonDepthExceeds(`{"a":"${'['.repeat(100)}"}`, 2)).toBe(false);
  expect(jsonDepthExceeds(`{"a":"\\"${'{'.repeat(3)}"}`, 2)).toBe(false);
  expect(() => resolveApiLimits({ maxJsonDepth: 0 })).toThrow(/limits.maxJsonDepth/);
});

it('a body over bodyLimit is refused with 413', async () => {
  const res = await send('PUT', '/v1/catalog/register', JSON.stringify({ Node: 'n', Address: 'x'.repeat(5000) }));
  expect(res.status).toBe(413);
  expect(res.body).toMatch(/too large/i);
});

it('JSON nested deeper than maxJsonDepth is a 400 naming the limit, logged once without the token', async () => {
  lines.length = 0;
  const res = await send('PUT', '/v1/catalog/register?token=query-secret-1', `{"Node":${nested(9)}}`, { 'X-Consul-Token': 'header-secret-2' });
  expect(res.status).toBe(400);
  expect(res.body).toMatch(/maxJsonDepth/);
  const refused = lines.filter((l) => l['msg'] === 'request refused');
  expect(refused).toHaveLength(1);
  expect(refused[0]).toMatchObject({ status: 400, path: '/v1/catalog/register', method: 'PUT' });
  expect(String(refused[0]!['reason'])).toMatch(/maxJsonDepth/);
  const all = JSON.stringify(lines);
  expect(all).not.toContain('query-secret-1');
  expect(all).not.toContain('header-secret-2');
  // Depth within the limit goes through to validation (a different 400).
  const ok = await send('PUT', '/v1/catalog/register', `{"Node":${nested(7)}}`);
  expect(ok.body).not.toMatch(/maxJsonDepth/);
});

it('a request head over maxHeaderSize is refused with 431', async () => {
  lines.length = 0;
  const res = await send('GET', '/v1/status/leader', undefined, { 'X-Big': 'y'.repeat(4000) });
  expect(res.status).toBe(431);
  expect(res.body).toMatch(/maxHeaderSize/);
  expect(lines.filter((l) => l['msg'] === 'request refused' && l['status'] === 431)).toHaveLength(1);
  // The server still answers afterwards.
  expect((await send('GET', '/v1/status/leader')).status).toBe(200);
});

it('parked blocking queries beyond maxParkedQueriesPerClient get 429, and a freed slot is reusable', async () => {
  const index = Number((await server.api.inject({ url: '/v1/catalog/services' })).headers['x-consul-index']);
  expect(index).toBeGreaterThan(0);
  const ac = new AbortController();
  const path = `/v1/catalog/services?index=${index}&wait=30s`;
  const parked = [send('GET', path, undefined, {}, ac.signal).catch(() => undefined), send('GET', path, undefined, {}, ac.signal).catch(() => undefined)];
  // Wait until both are parked: a third is refused once they are counted.
  let third = { status: 0, body: '' };
  for (let i = 0; i < 100; i++) {
    third = await send('GET', path.replace('30s', '1ms'));
    if (third.status === 429) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(third.status).toBe(429);
  expect(third.body).toMatch(/maxParkedQueriesPerClient = 2/);
  // Non-blocking reads are not limited.
  expect((await send('GET', '/v1/catalog/services')).status).toBe(200);
  ac.abort();
  await Promise.all(parked);
  let after = 0;
  for (let i = 0; i < 100 && after !== 200; i++) {
    after = (await send('GET', path.replace('30s', '1ms'))).status;
    if (after !== 200) await new Promise((r) => setTimeout(r, 10));
  }
  expect(after).toBe(200);
});

it('an xDS request naming more than maxResourceNamesPerRequest resources ends with RESOURCE_EXHAUSTED', async () => {
  const client = new AdsTestClient(server.grpcAddress);
  try {
    lines.length = 0;
    const s = client.sotw();
    s.send({ node: makeNode('many-names'), type_url: CLUSTER_TYPE, resource_names: ['a', 'b', 'c', 'd', 'e', 'f'] });
    const err = await s.ended();
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err?.details).toMatch(/maxResourceNamesPerRequest = 5/);
    const logged = lines.filter((l) => l['msg'] === 'xDS stream refused');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ code: 'RESOURCE_EXHAUSTED', client: '127.0.0.1' });
    const d = client.delta();
    d.send({ node: makeNode('many-names'), type_url: CLUSTER_TYPE, resource_names_subscribe: ['a', 'b', 'c'], resource_names_unsubscribe: ['d', 'e', 'f'] });
    expect((await d.ended())?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  } finally {
    client.close();
  }
});

it('xDS streams beyond maxStreamsPerClient from one address end with RESOURCE_EXHAUSTED; closing one frees a slot', async () => {
  server.xdsCache.setSnapshot('limited', { [CLUSTER_TYPE]: [makeCluster('web')] });
  const a = new AdsTestClient(server.grpcAddress);
  const b = new AdsTestClient(server.grpcAddress);
  try {
    const s1 = a.sotw();
    const s2 = a.sotw();
    for (const s of [s1, s2]) s.send({ node: makeNode('limited'), type_url: CLUSTER_TYPE });
    await s1.next();
    await s2.next();
    const s3 = b.sotw();
    s3.send({ node: makeNode('limited'), type_url: CLUSTER_TYPE });
    const err = await s3.ended();
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err?.details).toMatch(/maxStreamsPerClient = 2/);
    s1.close();
    let served = false;
    for (let i = 0; i < 50 && !served; i++) {
      const s4 = b.sotw();
      s4.send({ node: makeNode('limited'), type_url: CLUSTER_TYPE });
      const r = await Promise.race([s4.next(2000).then(() => true, () => false), s4.ended().then(() => false)]);
      served = r;
      if (!served) await new Promise((res) => setTimeout(res, 20));
    }
    expect(served).toBe(true);
  } finally {
    a.close();
    b.close();
  }
});

it('peerAddress drops the port of IPv4 and IPv6 peers as grpc-js writes them', async () => {
  const { peerAddress } = await import('../../xds/server/ads-server.ts');
  expect(peerAddress('127.0.0.1:5000')).toBe('127.0.0.1');
  expect(peerAddress('::1:5000')).toBe('::1');
  expect(peerAddress('::ffff:10.0.0.1:443')).toBe('::ffff:10.0.0.1');
  expect(peerAddress('[fe80::1]:9')).toBe('fe80::1');
  expect(peerAddress('unknown')).toBe('unknown');
});
