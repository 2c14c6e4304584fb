/**
 * Discovery chains on the proxyless data plane: service-resolver subsets,
 * a service-splitter and a service-router written through `/v1/config`
 * steer real gRPC calls between two versions of `api`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, grpcBootstrapFor, meshClient, registerNative, startMesh, startWhoami, tally, untilOnly, type MeshHarness, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshHarness;
const servers: MeshServer[] = [];
let web: WhoamiClient;
let admin: WhoamiClient;

const putConfig = async (entry: Record<string, unknown>): Promise<void> => {
  expect(await h.api('PUT', '/v1/config', entry)).toBe(true);
};

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  const [p1, p2] = [await freePort(), await freePort()];
  await registerNative(h, 'api-1', 'api', p1, { Meta: { version: 'v1' } });
  await registerNative(h, 'api-2', 'api', p2, { Meta: { version: 'v2' } });
  await registerNative(h, 'web-1', 'web', 0);
  servers.push(await startWhoami('api-1', p1, await grpcBootstrapFor(h, 'api-1', 'api')));
  servers.push(await startWhoami('api-2', p2, await grpcBootstrapFor(h, 'api-2', 'api')));
  web = meshClient('api', await grpcBootstrapFor(h, 'web-1', 'web'));
  await putConfig({ Kind: 'service-defaults', Name: 'api', Protocol: 'grpc' });
  const [a1, a2] = [await freePort(), await freePort()];
  await registerNative(h, 'admin-1', 'admin', a1, { Meta: { version: 'v1' } });
  await registerNative(h, 'admin-2', 'admin', a2, { Meta: { version: 'v2' } });
  servers.push(await startWhoami('admin-1', a1, await grpcBootstrapFor(h, 'admin-1', 'admin')));
  servers.push(await startWhoami('admin-2', a2, await grpcBootstrapFor(h, 'admin-2', 'admin')));
  admin = meshClient('admin', await grpcBootstrapFor(h, 'web-1', 'web'));
  await putConfig({ Kind: 'service-defaults', Name: 'admin', Protocol: 'grpc' });
  await putConfig({
    Kind: 'service-resolver',
    Name: 'admin',
    Subsets: { v1: { Filter: 'Service.Meta.version == v1' }, v2: { Filter: 'Service.Meta.version == v2' } },
  });
}, 30_000);

afterAll(async () => {
  web?.close();
  admin?.close();
  for (const s of servers) await s.close();
  await h?.close();
});

it('a resolver\'s default subset sends everything to v1', async () => {
  expect(await untilOnly(web, ['api-1', 'api-2'], 5000)).toBe(true);
  await putConfig({
    Kind: 'service-resolver',
    Name: 'api',
    DefaultSubset: 'v1',
    Subsets: { v1: { Filter: 'Service.Meta.version == v1' }, v2: { Filter: 'Service.Meta.version == v2' } },
  });
  expect(await untilOnly(web, ['api-1'], 3000)).toBe(true);
});

it('a splitter sends about 10% to v2', async () => {
  await putConfig({ Kind: 'service-splitter', Name: 'api', Splits: [{ Weight: 90, ServiceSubset: 'v1' }, { Weight: 10, ServiceSubset: 'v2' }] });
  expect(await untilOnly(web, ['api-1', 'api-2'], 3000, 60)).toBe(true);
  const t = await tally(web, 300);
  expect(t['error']).toBeUndefined();
  // 30 expected; the bounds are wide enough that a fair split fails them about once in a million runs.
  expect(t['api-2']).toBeGreaterThan(8);
  expect(t['api-2']).toBeLessThan(60);
});

it('a router sends one gRPC method to v2, the rest through the split', async () => {
  await putConfig({
    Kind: 'service-router',
    Name: 'api',
    Routes: [{ Match: { HTTP: { PathPrefix: '/switchboard.test.Mesh/Admin' } }, Destination: { ServiceSubset: 'v2' } }],
  });
  let admin: string[] = [];
  const routed = async (): Promise<boolean> => {
    admin = await Promise.all(Array.from({ length: 10 }, () => web.call(3000, 'Admin')));
    return admin.every((id) => id === 'api-2');
  };
  const end = Date.now() + 3000;
  while (!(await routed()) && Date.now() < end);
  expect(admin).toEqual(Array(10).fill('api-2'));
  const t = await tally(web, 100);
  expect(t['api-1']).toBeGreaterThan(70);
});

it('deleting the splitter and router falls back to the resolver\'s default subset', async () => {
  await h.api('DELETE', '/v1/config/service-router/api');
  await h.api('DELETE', '/v1/config/service-splitter/api');
  expect(await untilOnly(web, ['api-1'], 3000, 30)).toBe(true);
  expect(await web.call(3000, 'Admin')).toBe('api-1');
});

/** Share of `id` among the answers, in percent. */
const share = (t: Record<string, number>, id: string, n: number): number => ((t[id] ?? 0) * 100) / n;

it('a 90/10 split of admin between subsets v1 and v2 lands within 3 points over 2,000 RPCs; 50/50 takes effect within 1 s', async () => {
  await putConfig({ Kind: 'service-splitter', Name: 'admin', Splits: [{ Weight: 90, ServiceSubset: 'v1' }, { Weight: 10, ServiceSubset: 'v2' }] });
  expect(await untilOnly(admin, ['admin-1', 'admin-2'], 5000, 100)).toBe(true);
  const t = await tally(admin, 2000);
  expect(t['error']).toBeUndefined();
  // 10% expected; one standard deviation over 2,000 draws is 0.67 points, so 3 points is 4.5 of them.
  expect(share(t, 'admin-2', 2000)).toBeGreaterThan(7);
  expect(share(t, 'admin-2', 2000)).toBeLessThan(13);

  const t0 = Date.now();
  await putConfig({ Kind: 'service-splitter', Name: 'admin', Splits: [{ Weight: 50, ServiceSubset: 'v1' }, { Weight: 50, ServiceSubset: 'v2' }] });
  await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t0))));
  // One second after the write: under the old 90/10 split, 60 or more of 200 to v2 would happen about once in 10^15 runs.
  const first = await tally(admin, 200);
  expect(first['admin-2'] ?? 0).toBeGreaterThanOrEqual(60);
  expect(first['admin-1'] ?? 0).toBeGreaterThanOrEqual(60);
  const half = await tally(admin, 2000);
  expect(half['error']).toBeUndefined();
  // At 50%, one standard deviation over 2,000 draws is 1.1 points; 4 points is 3.6 of them.
  expect(share(half, 'admin-2', 2000)).toBeGreaterThan(46);
  expect(share(half, 'admin-2', 2000)).toBeLessThan(54);
});
