/**
 * Upstreams are gathered once and shared by every proxy that declares them the
 * same way (SharedReads), and the resources built from them are shared too
 * (SharedBuilds). What is shared must go stale exactly when its inputs
 * change: a health change of the destination, a new instance, a protocol set
 * by a config entry. Two sidecars with the same upstream are driven through
 * the engine's watch interface, as the ADS server drives it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import { decodeAny } from '../xds/ads-client.ts';
import { connectWatches, independentBuild as independentBuildOf, versionsIn } from './engine-watches.ts';
import { eventually, startMesh, type MeshHarness } from './harness.ts';

let h: MeshHarness;
const cancels: (() => void)[] = [];
const SIDECARS = ['web-sidecar-proxy', 'admin-sidecar-proxy'];

function connect(nodeId: string): void {
  cancels.push(connectWatches(h, nodeId));
}

/** A node's resources of one type, decoded to JSON text. */
function resourcesOf(nodeId: string, typeUrl: string): { name: string; json: string }[] {
  const byName = h.server.xdsCache.getSnapshot(nodeId)?.get(typeUrl as typeof LISTENER_TYPE);
  return [...(byName?.values() ?? [])].map((r) => ({ name: r.name, json: JSON.stringify(decodeAny(r.any)) }));
}

function independentBuild(nodeId: string): Promise<Map<string, string>> {
  return independentBuildOf(h, nodeId, true);
}

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  await h.api('PUT', '/v1/agent/service/register', { ID: 'api-1', Name: 'api', Port: 8080, Check: { CheckID: 'api-1-ttl', TTL: '10m', Status: 'passing' }, Connect: { SidecarService: {} } });
  for (const name of ['web', 'admin']) {
    await h.api('PUT', '/v1/agent/service/register', {
      ID: name,
      Name: name,
      Port: 8081,
      Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } } },
    });
  }
  for (const id of SIDECARS) connect(id);
  expect(await eventually(async () => SIDECARS.every((id) => resourcesOf(id, ENDPOINT_TYPE).length === 1), 5000)).toBe(true);
});

afterAll(async () => {
  for (const c of cancels) c();
  await h?.close();
});

it('two proxies of different services carry the very same upstream resources', () => {
  for (const typeUrl of [CLUSTER_TYPE, ENDPOINT_TYPE] as const) {
    const [web, admin] = SIDECARS.map((id) => h.server.xdsCache.getSnapshot(id)?.get(typeUrl));
    const apiOf = (m: typeof web): unknown => [...(m?.values() ?? [])].find((r) => r.name.startsWith('api.'));
    expect(apiOf(web)).toBeDefined();
    // The same Resource object: built, validated and encoded once.
    expect(apiOf(web)).toBe(apiOf(admin));
  }
});

it('a health change, a new instance and a protocol change each reach every proxy sharing the upstream', async () => {
  await h.server.engine.settled();
  await h.api('PUT', '/v1/agent/check/fail/api-1-ttl');
  expect(await eventually(async () => SIDECARS.every((id) => resourcesOf(id, ENDPOINT_TYPE)[0]?.json.includes('"health_status":"UNHEALTHY"') ?? false), 3000)).toBe(true);

  // Only endpoints changed: the sidecars' endpoints were patched in, not rebuilt, and match a build from scratch.
  await h.server.engine.settled();
  expect(h.server.engine.stats().patchedBuilds).toBeGreaterThanOrEqual(SIDECARS.length);
  const metrics = await (await fetch(`http://${h.httpAddr}/metrics`)).text();
  expect(metrics).toMatch(new RegExp(`^switchboard_mesh_patched_builds_total ${h.server.engine.stats().patchedBuilds}$`, 'm'));
  for (const id of SIDECARS) expect(versionsIn(h.server.xdsCache, id)).toEqual(await independentBuild(id));

  await h.api('PUT', '/v1/agent/service/register', { ID: 'api-2', Name: 'api', Port: 8090, Connect: { SidecarService: {} } });
  const api2 = (await h.api('GET', '/v1/agent/service/api-2-sidecar-proxy')) as { Port: number };
  expect(await eventually(async () => SIDECARS.every((id) => resourcesOf(id, ENDPOINT_TYPE)[0]?.json.includes(`"port_value":${api2.Port}`) ?? false), 3000)).toBe(true);
  await h.server.engine.settled();
  for (const id of SIDECARS) expect(versionsIn(h.server.xdsCache, id)).toEqual(await independentBuild(id));

  // tcp → http: the upstream listener now routes through RDS, and a route configuration appears.
  expect(resourcesOf(SIDECARS[0]!, ROUTE_TYPE)).toEqual([]);
  expect(await h.api('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'http' })).toBe(true);
  expect(await eventually(async () => SIDECARS.every((id) => resourcesOf(id, ROUTE_TYPE).some((r) => r.name === 'api')), 3000)).toBe(true);
  for (const id of SIDECARS) {
    const upstreamListener = resourcesOf(id, LISTENER_TYPE).find((r) => r.name.startsWith('api:'));
    expect(upstreamListener?.json).toContain('envoy.filters.network.http_connection_manager');
  }
  await h.server.engine.settled();
  for (const id of SIDECARS) expect(versionsIn(h.server.xdsCache, id)).toEqual(await independentBuild(id));
});

it('a sidecar registered on a new node after the others were built is found and configured', async () => {
  connect('late-sidecar-proxy');
  await h.server.engine.settled();
  expect(h.server.engine.problemOf('late-sidecar-proxy')?.message).toMatch(/no service registered/);
  await h.api('PUT', '/v1/catalog/register', { Node: 'late-node', Address: '127.0.0.9', Service: { ID: 'late', Service: 'late', Port: 8080 } });
  await h.api('PUT', '/v1/catalog/register', {
    Node: 'late-node',
    Address: '127.0.0.9',
    Service: { ID: 'late-sidecar-proxy', Service: 'late-sidecar-proxy', Kind: 'connect-proxy', Port: 21000, Proxy: { DestinationServiceName: 'late', Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } },
  });
  expect(await eventually(async () => resourcesOf('late-sidecar-proxy', ENDPOINT_TYPE).length === 1, 3000)).toBe(true);
  expect(h.server.engine.problemOf('late-sidecar-proxy')).toBeUndefined();
});

it('a write that changes nothing a proxy is built from rebuilds nothing', async () => {
  await h.api('PUT', '/v1/agent/check/pass/api-1-ttl');
  expect(await eventually(async () => SIDECARS.every((id) => !(resourcesOf(id, ENDPOINT_TYPE)[0]?.json.includes('"health_status":"UNHEALTHY"') ?? true)), 3000)).toBe(true);
  await h.server.engine.settled();
  const before = h.server.engine.stats();
  const snapshots = SIDECARS.map((id) => h.server.xdsCache.getSnapshot(id));
  // Still passing, only the output differs: the catalog changed, the mesh did not. The upstream api is
  // gathered again once (the store publishes the change before the write returns), comes out equal, and
  // no proxy is even gathered again.
  await h.api('PUT', '/v1/agent/check/pass/api-1-ttl?note=still%20fine');
  // An app registered without a sidecar is no mesh endpoint either.
  await h.api('PUT', '/v1/agent/service/register', { ID: 'api-legacy', Name: 'api', Port: 9000 });
  await h.server.engine.settled();
  expect(h.server.engine.stats().builds).toBe(before.builds);
  expect(h.server.engine.stats().unchangedBuilds).toBe(before.unchangedBuilds);
  expect(SIDECARS.map((id) => h.server.xdsCache.getSnapshot(id))).toEqual(snapshots);
});

it('a config entry every proxy reads, written without changing what they are built from, rebuilds nothing', async () => {
  await h.server.engine.settled();
  const before = h.server.engine.stats();
  // Every sidecar read proxy-defaults/global (for protocols): all are gathered again, but with no protocol in it
  // nothing comes out different, the shared upstreams and authorizations keep their objects, and nothing is rebuilt.
  expect(await h.api('PUT', '/v1/config', { Kind: 'proxy-defaults', Name: 'global', Config: { local_connect_timeout_ms: 1000 } })).toBe(true);
  expect(await eventually(async () => h.server.engine.stats().unchangedBuilds >= before.unchangedBuilds + SIDECARS.length, 3000)).toBe(true);
  await h.server.engine.settled();
  expect(h.server.engine.stats().builds).toBe(before.builds);
});

it('endpoint changes landing before a pending patch is applied end in the latest endpoints', async () => {
  await h.server.engine.settled();
  const node = 'mesh-agent';
  await h.server.store.apply([{ op: 'setCheckStatus', node, checkId: 'api-1-ttl', status: 'passing' }]);
  await h.server.engine.settled();
  // Two commits in one tick, inside one coalescing window: the second replaces the upstream the first
  // produced while the proxies' patches for the first are still pending. They must end healthy again.
  await Promise.all([
    h.server.store.apply([{ op: 'setCheckStatus', node, checkId: 'api-1-ttl', status: 'critical' }]),
    h.server.store.apply([{ op: 'setCheckStatus', node, checkId: 'api-1-ttl', status: 'passing' }]),
  ]);
  await h.server.engine.settled();
  for (const id of SIDECARS) {
    expect(resourcesOf(id, ENDPOINT_TYPE)[0]?.json).not.toContain('"health_status":"UNHEALTHY"');
    expect(versionsIn(h.server.xdsCache, id)).toEqual(await independentBuild(id));
  }
});

it("an intention is patched into its destination's inbound listener, equal to a build from scratch", async () => {
  await h.server.engine.settled();
  const before = h.server.engine.stats();
  // defaultAllow here: a deny for admin → web changes web's inbound listener only.
  await h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'web', Sources: [{ Name: 'admin', Action: 'deny' }] });
  await h.server.engine.settled();
  const after = h.server.engine.stats();
  expect(after.builds).toBe(before.builds);
  expect(after.patchedBuilds).toBe(before.patchedBuilds + 1);
  expect(resourcesOf('web-sidecar-proxy', LISTENER_TYPE).find((r) => r.name.startsWith('public_listener:'))?.json).toBeDefined();
  for (const id of SIDECARS) expect(versionsIn(h.server.xdsCache, id)).toEqual(await independentBuild(id));
});
