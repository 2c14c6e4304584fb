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
});

afterAll(async () => {
  web?.close();
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
