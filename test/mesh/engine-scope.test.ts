/**
 * Work proportional to the change: an intention written for one destination
 * rebuilds that destination's proxies and no other. The engine is driven
 * through the same watch interface the ADS server uses.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_TYPE, LISTENER_TYPE } from '../../xds/index.ts';
import { eventually, startMesh, type MeshHarness } from './harness.ts';

let h: MeshHarness;
const cancels: (() => void)[] = [];

/** Opens the wildcard LDS and CDS watches a sidecar opens, re-opening each after it is answered (as a stream does). */
function connect(nodeId: string): void {
  for (const typeUrl of [LISTENER_TYPE, CLUSTER_TYPE] as const) {
    const open = (known: ReadonlyMap<string, string>): void => {
      const cancel = h.server.engine.createWatch(
        { nodeId, typeUrl, wildcard: true, names: new Set(), knownVersions: known, answerWhenEmpty: known.size === 0 },
        (res) => open(new Map([...res.resources.values()].map((r) => [r.name, r.version]))),
      );
      cancels.push(cancel);
    };
    open(new Map());
  }
}

/** Configurations published: full builds, and patches of a part (an intention patches the inbound listener). */
function published(): number {
  const s = h.server.engine.stats();
  return s.builds + s.patchedBuilds;
}

beforeAll(async () => {
  h = await startMesh({ defaultAllow: false });
  for (const name of ['api', 'db', 'web']) {
    const upstreams = name === 'web' ? [{ DestinationName: 'api', LocalBindPort: 9191 }] : [];
    await h.api('PUT', '/v1/agent/service/register', { ID: name, Name: name, Port: 8080, Connect: { SidecarService: { Proxy: { Upstreams: upstreams } } } });
  }
  for (const name of ['api', 'db', 'web']) connect(`${name}-sidecar-proxy`);
  expect(await eventually(async () => ['api', 'db', 'web'].every((n) => h.server.xdsCache.getSnapshot(`${n}-sidecar-proxy`)), 5000)).toBe(true);
});

afterAll(async () => {
  for (const c of cancels) c();
  await h?.close();
});

it("an intention for api rebuilds api's sidecar only", async () => {
  await h.server.engine.settled();
  const before = new Map(['api', 'db', 'web'].map((n) => [n, h.server.xdsCache.getSnapshot(`${n}-sidecar-proxy`)]));
  const buildsBefore = published();
  await h.api('PUT', '/v1/connect/intentions/exact?source=web&destination=api', { Action: 'allow' });
  expect(await eventually(async () => h.server.xdsCache.getSnapshot('api-sidecar-proxy') !== before.get('api'), 3000)).toBe(true);
  await h.server.engine.settled();
  expect(published() - buildsBefore).toBe(1);
  expect(h.server.xdsCache.getSnapshot('db-sidecar-proxy')).toBe(before.get('db'));
  expect(h.server.xdsCache.getSnapshot('web-sidecar-proxy')).toBe(before.get('web'));
  // The rebuilt listener now allows web's identity.
  const listener = [...(h.server.xdsCache.getSnapshot('api-sidecar-proxy')?.get(LISTENER_TYPE)?.values() ?? [])].find((r) => r.name.startsWith('public_listener:'));
  expect(listener?.any.value.toString('latin1')).toContain('/svc/web');
});

it("a wildcard intention rebuilds every destination whose authorization it changes, and no other", async () => {
  await h.server.engine.settled();
  const before = new Map(['api', 'db', 'web'].map((n) => [n, h.server.xdsCache.getSnapshot(`${n}-sidecar-proxy`)]));
  const buildsBefore = published();
  await h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: '*', Sources: [{ Name: 'web', Action: 'allow' }] });
  expect(await eventually(async () => ['db', 'web'].every((n) => h.server.xdsCache.getSnapshot(`${n}-sidecar-proxy`) !== before.get(n)), 3000)).toBe(true);
  await h.server.engine.settled();
  // api's own intention already allows web (and beats the wildcard): its authorization is unchanged, so is it.
  expect(h.server.xdsCache.getSnapshot('api-sidecar-proxy')).toBe(before.get('api'));
  expect(published() - buildsBefore).toBe(2);
});

it("a new instance of a service on another node touches none of the service's existing sidecars; a change of a sidecar's own registration rebuilds it", async () => {
  await h.server.engine.settled();
  const gathers = (): number => {
    const s = h.server.engine.stats();
    return s.builds + s.unchangedBuilds + s.patchedBuilds;
  };
  const apiBefore = h.server.xdsCache.getSnapshot('api-sidecar-proxy');
  const before = gathers();
  // api-2 on node n2: web's sidecar gets the new endpoint (a patch); api's own sidecar is not even gathered.
  await h.api('PUT', '/v1/catalog/register', { Node: 'n2', Address: '10.2.0.1', Service: { ID: 'api-2', Service: 'api', Port: 8080 } });
  await h.api('PUT', '/v1/catalog/register', {
    Node: 'n2',
    Address: '10.2.0.1',
    SkipNodeUpdate: true,
    Service: { ID: 'api-2-sidecar-proxy', Kind: 'connect-proxy', Service: 'api-sidecar-proxy', Port: 21000, Proxy: { DestinationServiceName: 'api', DestinationServiceID: 'api-2' } },
  });
  await h.server.engine.settled();
  expect(gathers() - before).toBe(1);
  expect(h.server.xdsCache.getSnapshot('api-sidecar-proxy')).toBe(apiBefore);
  // web's sidecar re-registered with a second upstream: its own registration changed, so it is rebuilt with db's cluster.
  const buildsBefore = h.server.engine.stats().builds;
  await h.api('PUT', '/v1/agent/service/register', {
    ID: 'web',
    Name: 'web',
    Port: 8080,
    Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }, { DestinationName: 'db', LocalBindPort: 9192 }] } } },
  });
  expect(await eventually(async () => [...(h.server.xdsCache.getSnapshot('web-sidecar-proxy')?.get(CLUSTER_TYPE)?.keys() ?? [])].some((n) => n.startsWith('db.')), 3000)).toBe(true);
  expect(h.server.engine.stats().builds).toBeGreaterThan(buildsBefore);
});
