/**
 * A round patches its proxies in slices, yielding between them, so changes
 * can land while a round is half done. Whatever the interleaving, every
 * proxy must end with what a build from scratch gives. 450 sidecars make
 * three slices (of 200) of each patch kind: endpoint patches (a health
 * change of their upstream) and inbound listener patches (intentions). The
 * second change of each pair is written once the round has patched its
 * first slice, so it lands while the rest are still pending.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENDPOINT_TYPE } from '../../xds/index.ts';
import { connectWatches, independentBuild, versionsIn } from './engine-watches.ts';
import { eventually, startMesh, type MeshHarness } from './harness.ts';

const WEB = 450;
let h: MeshHarness;
const cancels: (() => void)[] = [];
const sidecars = Array.from({ length: WEB }, (_, i) => `web-${i}-sidecar-proxy`);

beforeAll(async () => {
  h = await startMesh({ defaultAllow: false });
  await h.api('PUT', '/v1/agent/service/register', { ID: 'api-1', Name: 'api', Port: 8080, Check: { CheckID: 'api-1-ttl', TTL: '10m', Status: 'passing' }, Connect: { SidecarService: {} } });
  for (let i = 0; i < WEB; i++) {
    await h.api('PUT', '/v1/agent/service/register', {
      ID: `web-${i}`,
      Name: 'web',
      Port: 10_000 + i,
      Connect: { SidecarService: { Port: 30_000 + i, Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } } },
    });
  }
  for (const id of sidecars) cancels.push(connectWatches(h, id));
  const synced = (): boolean => sidecars.every((id) => (h.server.xdsCache.getSnapshot(id)?.get(ENDPOINT_TYPE)?.size ?? 0) === 1);
  expect(await eventually(async () => synced(), 20_000)).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const c of cancels) c();
  await h?.close();
});

/** Resolves once the engine has patched at least one proxy more than `from`, but not all of them. */
async function midRound(from: number): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    await new Promise((r) => setImmediate(r));
    const done = h.server.engine.stats().patchedBuilds - from;
    if (done > 0 && done < WEB) return;
    if (done >= WEB) throw new Error('the round finished before the second change could land in it');
  }
  throw new Error('no round started');
}

it('a change landing between the slices of a round ends as a build from scratch', async () => {
  await h.server.engine.settled();
  const before = h.server.engine.stats();
  const node = 'mesh-agent';
  const critical = h.server.store.apply([{ op: 'setCheckStatus', node, checkId: 'api-1-ttl', status: 'critical' }]);
  await midRound(before.patchedBuilds);
  await Promise.all([critical, h.server.store.apply([{ op: 'setCheckStatus', node, checkId: 'api-1-ttl', status: 'passing' }])]);
  await h.server.engine.settled();
  const middle = h.server.engine.stats();
  const allow = h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'web', Sources: [{ Name: 'admin', Action: 'allow' }] });
  await midRound(middle.patchedBuilds);
  await Promise.all([allow, h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'web', Sources: [{ Name: 'admin', Action: 'allow' }, { Name: 'db', Action: 'allow' }] })]);
  await h.server.engine.settled();
  const after = h.server.engine.stats();
  // Patched, not rebuilt: nothing here changes more than endpoints or the inbound authorization.
  expect(after.builds).toBe(before.builds);
  expect(after.patchedBuilds).toBeGreaterThanOrEqual(before.patchedBuilds + 2 * WEB);
  for (const id of sidecars) expect(versionsIn(h.server.xdsCache, id), id).toEqual(await independentBuild(h, id, false));
}, 60_000);
