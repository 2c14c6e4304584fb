/**
 * A control-plane restart: proxyless services keep serving on their last
 * configuration while Switchboard is down, reconnect when it is back (same
 * store, same CA, same port), and follow changes made after the restart.
 * The server runs as a real `switchboard server` process that is killed and
 * started again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiProxyStatus } from '../../api/xds.ts';
import { eventually, freePort, grpcBootstrapFor, meshClient, registerNative, startMeshProcess, startWhoami, tally, untilOnly, type MeshProcess, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshProcess;
const servers: MeshServer[] = [];
let web: WhoamiClient;

beforeAll(async () => {
  h = await startMeshProcess({ defaultAllow: true });
  const [p1, p2] = [await freePort(), await freePort()];
  await registerNative(h, 'api-1', 'api', p1);
  await registerNative(h, 'api-2', 'api', p2);
  await registerNative(h, 'web-1', 'web', 0);
  servers.push(await startWhoami('api-1', p1, await grpcBootstrapFor(h, 'api-1', 'api')));
  servers.push(await startWhoami('api-2', p2, await grpcBootstrapFor(h, 'api-2', 'api')));
  web = meshClient('api', await grpcBootstrapFor(h, 'web-1', 'web'));
}, 60_000);

afterAll(async () => {
  web?.close();
  for (const s of servers) await s.close();
  await h?.close();
});

it('keeps serving while the control plane is down, and follows changes once it is back', async () => {
  expect(await untilOnly(web, ['api-1', 'api-2'], 5000)).toBe(true);
  const roots = async (): Promise<string> => ((await h.api('GET', '/v1/connect/ca/roots')) as { ActiveRootID: string }).ActiveRootID;
  const rootsBefore = await roots();

  await h.stop();
  const during = await tally(web, 30);
  expect(Object.keys(during).sort(), `RPCs while Switchboard is down: ${JSON.stringify(during)}`).toEqual(['api-1', 'api-2']);

  await h.start();
  expect(await roots(), 'the CA comes back from the store').toBe(rootsBefore);
  // All three come back on their own (gRPC's xDS client retries with backoff).
  const reconnected = async (): Promise<boolean> => {
    const ids = ((await h.api('GET', '/v1/xds/proxies')) as ApiProxyStatus[]).filter((p) => p.Problem === null).map((p) => p.NodeID);
    return ['api-1', 'api-2', 'web-1'].every((id) => ids.includes(id));
  };
  const ok = await eventually(reconnected, 30_000, 100);
  expect(ok, 'every proxy reconnected').toBe(true);
  // A TTL check restarts from its stored status; fail api-1 now and traffic must move.
  await h.api('PUT', '/v1/agent/check/fail/api-1-ttl-id');
  expect(await untilOnly(web, ['api-2'], 2000), 'only api-2 after api-1 fails (after the restart)').toBe(true);
  await h.api('PUT', '/v1/agent/check/pass/api-1-ttl-id');
  expect(await untilOnly(web, ['api-1', 'api-2'], 2000)).toBe(true);
}, 60_000);
