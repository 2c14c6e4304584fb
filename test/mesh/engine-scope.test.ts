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
