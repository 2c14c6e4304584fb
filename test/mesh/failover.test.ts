/**
 * Discovery-chain failover, redirects and request timeouts on the proxyless
 * data plane: real grpc-js-xds clients and servers over mTLS, steered by
 * service-resolver entries written through `/v1/config`.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  BOOTSTRAP_OPTION,
  freePort,
  grpcBootstrapFor,
  meshClient,
  registerNative,
  startMesh,
  startWhoami,
  tally,
  untilOnly,
  whoamiService,
  type MeshHarness,
  type MeshServer,
  type WhoamiClient,
} from './harness.ts';
import { grpcXds } from './grpc-xds.ts';

let h: MeshHarness;
const servers: MeshServer[] = [];
const clients: WhoamiClient[] = [];
let webBootstrap: string;

const putConfig = async (entry: Record<string, unknown>): Promise<void> => {
  expect(await h.api('PUT', '/v1/config', entry)).toBe(true);
};

/** An XdsServer whose answers take `delayMs` (for request timeouts); with `flaky`, every other call fails UNAVAILABLE (for retries). */
async function startSlow(id: string, port: number, bootstrap: string, delayMs: number, flaky = false): Promise<{ close(): void }> {
  const server = new grpcXds.XdsServer({ [BOOTSTRAP_OPTION]: bootstrap, 'grpc.enable_channelz': 0, drainGraceTimeMs: 100 } as ConstructorParameters<typeof grpcXds.XdsServer>[0]);
  let calls = 0;
  const answer = (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void => {
    calls++;
    if (flaky && calls % 2 === 1) {
      cb({ code: grpc.status.UNAVAILABLE, details: 'flaky: try again' });
      return;
    }
    setTimeout(() => cb(null, Buffer.from(id)), delayMs);
  };
  server.addService(whoamiService, { WhoAmI: answer, Admin: answer });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, new grpcXds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()), (err) => (err ? reject(err) : resolve())),
  );
  return { close: () => server.forceShutdown() };
}

const slowServers: { close(): void }[] = [];

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  const names = ['api', 'api-backup', 'billing', 'billing-v2', 'slow', 'flaky'];
  for (const n of names) await putConfig({ Kind: 'service-defaults', Name: n, Protocol: 'grpc' });
  const ids = ['api-1', 'api-backup-1', 'billing-1', 'billing-v2-1'];
  const ports = await Promise.all([...ids, 'slow-1', 'flaky-1'].map(() => freePort()));
  for (const [i, id] of ids.entries()) await registerNative(h, id, id.replace(/-1$/, ''), ports[i]!);
  await registerNative(h, 'slow-1', 'slow', ports[4]!);
  await registerNative(h, 'flaky-1', 'flaky', ports[5]!);
  await registerNative(h, 'web-1', 'web', 0);
  const started = await Promise.all(ids.map(async (id, i) => startWhoami(id, ports[i]!, await grpcBootstrapFor(h, id, id.replace(/-1$/, '')))));
  servers.push(...started);
  slowServers.push(await startSlow('slow-1', ports[4]!, await grpcBootstrapFor(h, 'slow-1', 'slow'), 800));
  slowServers.push(await startSlow('flaky-1', ports[5]!, await grpcBootstrapFor(h, 'flaky-1', 'flaky'), 0, true));
  webBootstrap = await grpcBootstrapFor(h, 'web-1', 'web');
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  for (const s of slowServers) s.close();
  await h?.close();
});

function client(service: string): WhoamiClient {
  const c = meshClient(service, webBootstrap);
  clients.push(c);
  return c;
}

/** Marks the TTL check of `id` critical or passing. */
async function setHealth(id: string, passing: boolean): Promise<void> {
  await h.api('PUT', `/v1/agent/check/${passing ? 'pass' : 'fail'}/${id}-ttl-id`);
}

/** Milliseconds until a window of RPCs is answered by exactly `expected`, or -1 after `limitMs`. */
async function timeUntilOnly(c: WhoamiClient, expected: string[], limitMs: number): Promise<number> {
  const t0 = Date.now();
  return (await untilOnly(c, expected, limitMs, 5)) ? Date.now() - t0 : -1;
}

it('fails over to the failover target when every primary instance is critical, and comes back when it recovers', async () => {
  await putConfig({ Kind: 'service-resolver', Name: 'api', Failover: { '*': { Service: 'api-backup' } } });
  const api = client('api');
  expect(await untilOnly(api, ['api-1'], 5000)).toBe(true);
  // While the primary is healthy, the failover target gets nothing.
  expect(await tally(api, 100)).toEqual({ 'api-1': 100 });

  await setHealth('api-1', false);
  const out = await timeUntilOnly(api, ['api-backup-1'], 2000);
  expect(out, 'failover within 2 s').toBeGreaterThanOrEqual(0);
  expect(await tally(api, 50)).toEqual({ 'api-backup-1': 50 });

  await setHealth('api-1', true);
  const back = await timeUntilOnly(api, ['api-1'], 2000);
  expect(back, 'back to the primary within 2 s').toBeGreaterThanOrEqual(0);
  expect(await tally(api, 50)).toEqual({ 'api-1': 50 });
});

it('a resolver redirect sends traffic for billing to billing-v2', async () => {
  const billing = client('billing');
  expect(await untilOnly(billing, ['billing-1'], 5000)).toBe(true);
  await putConfig({ Kind: 'service-resolver', Name: 'billing', Redirect: { Service: 'billing-v2' } });
  expect(await untilOnly(billing, ['billing-v2-1'], 3000)).toBe(true);
  expect(await tally(billing, 50)).toEqual({ 'billing-v2-1': 50 });
});

it('a RequestTimeout shorter than the handler ends the call with DEADLINE_EXCEEDED', async () => {
  const slow = client('slow');
  // Without a timeout, the 800 ms answer arrives within the caller's 3 s deadline.
  expect(await slow.attempt(3000)).toEqual({ ok: true, id: 'slow-1' });
  await putConfig({ Kind: 'service-resolver', Name: 'slow', RequestTimeout: '200ms' });
  let last: Awaited<ReturnType<WhoamiClient['attempt']>> | undefined;
  const end = Date.now() + 3000;
  do {
    last = await slow.attempt(3000);
  } while (last.ok && Date.now() < end);
  expect(last.ok ? 'answered' : last.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  // The handler answers at 800 ms, well inside the caller's 3 s deadline, so
  // DEADLINE_EXCEEDED can only come from the route's 200 ms: no clock needed.
  const r = await slow.attempt(3000);
  expect(r.ok ? 'answered' : r.code).toBe(grpc.status.DEADLINE_EXCEEDED);
});

it('a router retry policy on unavailable hides a backend that fails every other call', async () => {
  const flaky = client('flaky');
  expect(await untilOnly(flaky, ['error', 'flaky-1'], 5000, 10)).toBe(true);
  await putConfig({ Kind: 'service-router', Name: 'flaky', Routes: [{ Match: { HTTP: { PathPrefix: '/' } }, Destination: { NumRetries: 2, RetryOn: ['unavailable'] } }] });
  expect(await untilOnly(flaky, ['flaky-1'], 3000, 20)).toBe(true);
  expect(await tally(flaky, 100)).toEqual({ 'flaky-1': 100 });
});
