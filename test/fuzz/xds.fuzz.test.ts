/**
 * Fuzzes the ADS server of a real server (seeded, reproducible, time-bounded):
 * raw undecodable frames, unknown type URLs, absurd resource names (huge,
 * binary), random nonces and versions, subscribe/unsubscribe churn, node
 * changes mid-stream and abrupt cancels, over many SotW and delta streams.
 * Afterwards the server is up, forgets every fuzz stream, serves a
 * well-behaved client correctly, and the heap is bounded.
 * Reproduce a failure with FUZZ_SEED=<seed>.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startServer, type RunningServer } from '../../cli/server.ts';
import { quietServerOptions } from '../api/server-harness.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import { AdsTestClient, makeNode } from '../xds/ads-client.ts';
import { makeCluster } from '../xds/fixtures.ts';
import { Rng } from './rng.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const TIME_BUDGET_MS = 12_000;
const MAX_ROUNDS = 400;
const dir = mkdtempSync(join(tmpdir(), 'sb-fuzz-xds-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    ...quietServerOptions(dir),
    limits: { maxResourceNamesPerRequest: 500, maxStreamsPerClient: 64 },
  });
  server.xdsCache.setSnapshot('good-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, 'type.googleapis.com/nope.v9.Thing', '', 'x'.repeat(3000)];

function name(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return 'x'.repeat(rng.pick([1000, 100_000]));
    case 1:
      return rng.bytes(rng.int(64)).toString('latin1');
    case 2:
      return '';
    case 3:
      return 'web';
    default:
      return rng.text(30);
  }
}

const names = (rng: Rng): string[] => Array.from({ length: rng.pick([0, 1, 2, 5, 50, 499, 501]) }, () => name(rng));

function node(rng: Rng): Record<string, unknown> | undefined {
  if (rng.chance(0.1)) return undefined;
  const id = rng.pick(['good-sidecar', 'web-sidecar-proxy', '', rng.text(20), 'n'.repeat(5000)]);
  return rng.chance(0.5) ? (makeNode(id, rng.chance(0.5) ? 'grpc' : 'envoy') as Record<string, unknown>) : { id, metadata: { fields: {} } };
}

function sotwRequest(rng: Rng): Record<string, unknown> {
  return {
    node: node(rng),
    type_url: rng.pick(TYPES),
    resource_names: names(rng),
    version_info: rng.chance(0.5) ? rng.text(10) : '',
    response_nonce: rng.chance(0.5) ? rng.text(10) : '',
    ...(rng.chance(0.1) ? { error_detail: { code: rng.int(20), message: rng.text(50) } } : {}),
  };
}

function deltaRequest(rng: Rng): Record<string, unknown> {
  return {
    node: node(rng),
    type_url: rng.pick(TYPES),
    resource_names_subscribe: names(rng),
    resource_names_unsubscribe: names(rng),
    initial_resource_versions: rng.chance(0.2) ? { [rng.text(5)]: rng.text(5) } : {},
    response_nonce: rng.chance(0.5) ? rng.text(10) : '',
    ...(rng.chance(0.1) ? { error_detail: { code: rng.int(20), message: rng.text(50) } } : {}),
  };
}

/** A client that writes raw frames (no protobuf encoding) to either ADS method. */
function rawCall(address: string, delta: boolean): { client: grpc.Client; call: grpc.ClientDuplexStream<Buffer, Buffer> } {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.enable_channelz': 0 });
  const method = `/envoy.service.discovery.v3.AggregatedDiscoveryService/${delta ? 'DeltaAggregatedResources' : 'StreamAggregatedResources'}`;
  const call = client.makeBidiStreamRequest(method, (b: Buffer) => b, (b: Buffer) => b);
  call.on('data', () => {});
  call.on('error', () => {});
  return { client, call };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it(`survives malformed and hostile ADS traffic and still serves a good client (seed ${SEED})`, async () => {
  const rng = new Rng(SEED);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  let rounds = 0;
  let messages = 0;
  for (; rounds < MAX_ROUNDS && Date.now() - started < TIME_BUDGET_MS; rounds++) {
    const clients: Array<{ close(): void }> = [];
    const streams = 1 + rng.int(4);
    for (let i = 0; i < streams; i++) {
      const kind = rng.int(3);
      if (kind === 0) {
        const { client, call } = rawCall(server.grpcAddress, rng.chance(0.5));
        for (let k = 0, n = 1 + rng.int(4); k < n; k++, messages++) call.write(rng.bytes(rng.int(200)));
        clients.push({ close: () => (call.cancel(), client.close()) });
      } else {
        const c = new AdsTestClient(server.grpcAddress);
        clients.push(c);
        const delta = kind === 2;
        const s = delta ? c.delta() : c.sotw();
        s.ended().catch(() => undefined);
        for (let k = 0, n = 1 + rng.int(6); k < n; k++, messages++) {
          try {
            s.send((delta ? deltaRequest(rng) : sotwRequest(rng)) as never);
          } catch {
            // The client may refuse to encode some values; that is the client, not the server under test.
          }
        }
      }
    }
    // Let the server read some of it; then hang up abruptly or politely.
    await pause(rng.int(15));
    for (const c of clients) c.close();
  }
  // Every fuzz stream is forgotten once its client is gone.
  for (let i = 0; i < 200 && server.xds.proxies().length > 0; i++) await pause(20);
  expect(server.xds.proxies()).toEqual([]);

  // A well-behaved client is still served correctly, SotW and delta.
  const good = new AdsTestClient(server.grpcAddress);
  try {
    const s = good.sotw();
    s.send({ node: makeNode('good-sidecar'), type_url: CLUSTER_TYPE });
    const r = await s.next(5000);
    expect(r.type_url).toBe(CLUSTER_TYPE);
    expect(r.resources).toHaveLength(1);
    s.send({ node: makeNode('good-sidecar'), type_url: CLUSTER_TYPE, version_info: r.version_info, response_nonce: r.nonce });
    await s.expectSilence(200);
    const d = good.delta();
    d.send({ node: makeNode('good-sidecar'), type_url: CLUSTER_TYPE, resource_names_subscribe: ['*'] });
    const dr = await d.next(5000);
    expect((dr.resources ?? []).map((x) => x.name)).toEqual(['web']);
  } finally {
    good.close();
  }
  console.info(`xds fuzz seed ${SEED}: ${rounds} rounds, ${messages} messages, ${Date.now() - started} ms`);
  expect(rounds).toBeGreaterThan(10);
  global.gc?.();
  // Generous: per-stream state that outlived its stream would grow with the thousands of streams opened.
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
}, 40_000);
