/**
 * Property: for any catalog, config entries and intentions the API accepts,
 * every proxy's resources (Envoy sidecars and proxyless gRPC) pass Envoy's
 * validation rules and the set's cross-references, and building is
 * deterministic. Seeded: PROPERTY_SEED picks the first catalog's seed,
 * PROPERTY_RUNS how many catalogs; a failure names the catalog's seed so
 * `PROPERTY_SEED=<seed> PROPERTY_RUNS=1` replays exactly it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCAStateStore, LeafManager, openCertificateAuthority, type CertificateAuthority } from '../../ca/index.ts';
import { openSqliteStore, planServiceRegistration, registerAgentNode, type CatalogStore } from '../../catalog/index.ts';
import { validateConfigEntry, validateServiceIntentions, ConfigEntrySet, type ConfigEntry } from '../../policy/index.ts';
import { encodeResource } from '../../xds/cache/index.ts';
import { caIdentitySource } from '../../xds/engine/index.ts';
import { buildProxyResources, resourceSetOf, SharedBuilds } from '../../xds/resources/index.ts';
import { gatherProxySnapshot, SharedReads, type GatherContext } from '../../xds/snapshot/gather.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/type-urls.ts';
import { formatViolation, validateResourceSet } from '../../xds/validate/index.ts';
import { Dice, randomMesh, seededRandom, type RandomMesh } from './random-mesh.ts';

const FIRST_SEED = Number(process.env['PROPERTY_SEED'] ?? 20261125);
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 250);
const SET_TYPES = [
  ['listeners', LISTENER_TYPE],
  ['clusters', CLUSTER_TYPE],
  ['routes', ROUTE_TYPE],
  ['endpoints', ENDPOINT_TYPE],
  ['secrets', SECRET_TYPE],
] as const;
const SERVER_LISTENER_PREFIX = 'grpc/server?xds.resource.listening_address=';

let ca: CertificateAuthority;
let leaves: LeafManager;

beforeAll(async () => {
  ca = await openCertificateAuthority({ store: new InMemoryCAStateStore(), maintenanceIntervalMs: 0 });
  leaves = new LeafManager({ ca, checkIntervalMs: 0 });
});

afterAll(() => {
  leaves?.close();
  ca?.close();
});

/** Writes a mesh into a fresh store the way the API would: validated entries, then agent registrations. */
async function loadMesh(mesh: RandomMesh): Promise<CatalogStore> {
  const store = openSqliteStore({ path: ':memory:' });
  const valid: ConfigEntry[] = [];
  for (const raw of mesh.entries.filter((e) => e['Kind'] !== 'service-intentions')) {
    const r = validateConfigEntry(raw);
    if (!r.ok) throw new Error(`generator made an invalid config entry: ${r.errors.join('; ')}`);
    valid.push(r.value);
  }
  const set = new ConfigEntrySet(valid);
  const ops: { op: 'setConfigEntry'; kind: string; name: string; body: Record<string, unknown> }[] = valid.map((e) => ({
    op: 'setConfigEntry',
    kind: e.Kind,
    name: e.Name,
    body: { ...e } as Record<string, unknown>,
  }));
  for (const raw of mesh.entries.filter((e) => e['Kind'] === 'service-intentions')) {
    const name = raw['Name'] as string;
    const r = validateServiceIntentions(raw, { protocol: set.protocolOf(name) });
    if (!r.ok) throw new Error(`generator made invalid intentions: ${r.errors.join('; ')}`);
    ops.push({ op: 'setConfigEntry', kind: 'service-intentions', name, body: { ...r.value } as Record<string, unknown> });
  }
  if (ops.length > 0) {
    const w = await store.apply(ops);
    if (!w.ok) throw new Error(`store refused config entries: ${w.message}`);
  }
  for (const n of mesh.nodes) {
    await registerAgentNode(store, { node: n.node, address: n.address, datacenter: 'dc1' });
    for (const def of n.services) {
      const plan = planServiceRegistration(store, n.node, def);
      if (!plan.ok) throw new Error(`generator made an invalid service ${def.ID}: ${plan.errors.join('; ')}`);
      const w = await store.apply(plan.value);
      if (!w.ok) throw new Error(`store refused service ${def.ID}: ${w.message}`);
    }
  }
  return store;
}

/** The proxies of a mesh, and for proxyless ones the listener names they ask for (server listener plus random client targets). */
function proxiesOf(store: CatalogStore, mesh: RandomMesh, d: Dice): { id: string; listeners: string[]; envoy: boolean }[] {
  const out: { id: string; listeners: string[]; envoy: boolean }[] = [];
  for (const n of store.listNodes()) {
    for (const s of store.listServicesOnNode(n.Node)) {
      if (s.Kind === 'connect-proxy') out.push({ id: s.ID, listeners: [], envoy: true });
      else if (s.Connect?.Native) {
        const address = s.Address || n.Address;
        const host = address.includes(':') ? `[${address}]` : address;
        const server = d.chance(0.8) ? [`${SERVER_LISTENER_PREFIX}${host}:${s.Port}`] : [];
        out.push({ id: s.ID, listeners: [...server, ...d.some(mesh.names, 4)], envoy: false });
      }
    }
  }
  return out;
}

describe('random meshes', () => {
  it(`every proxy's resources pass validation and build deterministically (${RUNS} catalogs from seed ${FIRST_SEED})`, async () => {
    let proxies = 0;
    let resources = 0;
    let sharedHits = 0;
    for (let run = 0; run < RUNS; run++) {
      const seed = FIRST_SEED + run;
      const d = new Dice(seededRandom(seed));
      const mesh = randomMesh(d);
      const replay = `(replay: PROPERTY_SEED=${seed} PROPERTY_RUNS=1)`;
      let store: CatalogStore;
      try {
        store = await loadMesh(mesh);
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message} ${replay}`);
      }
      try {
        const ctx: GatherContext = {
          store,
          identity: caIdentitySource(ca, leaves),
          datacenter: 'dc1',
          defaultAllow: mesh.defaultAllow,
          grpcCertificateProvider: 'switchboard',
        };
        // The engine's way: reads shared by every proxy of this store state, resources built once per distinct input.
        const sharedCtx: GatherContext = { ...ctx, shared: new SharedReads() };
        const memo = new SharedBuilds();
        for (const p of proxiesOf(store, mesh, d)) {
          const where = `seed ${seed}, proxy ${p.id}`;
          const gathered = await gatherProxySnapshot(ctx, p.id, { listeners: p.listeners });
          if (!gathered.ok) throw new Error(`${where}: could not gather: ${gathered.reason} ${replay}`);
          const built = buildProxyResources(gathered.snapshot);
          const set = resourceSetOf(built);
          const checked = validateResourceSet(set);
          if (!checked.ok) {
            const lines = checked.violations.slice(0, 10).map((v) => formatViolation(v, true));
            expect.fail(`${where}: ${checked.violations.length} violation(s) ${replay}\n  ${lines.join('\n  ')}`);
          }
          expect(built.diagnostics.filter((x) => x.severity === 'error'), where).toEqual([]);
          // Same snapshot in, same bytes out; and gathering again from the same store gives the same snapshot.
          const again = await gatherProxySnapshot(ctx, p.id, { listeners: p.listeners });
          if (!again.ok) throw new Error(`${where}: second gather failed ${replay}`);
          const first = JSON.stringify(built);
          if (JSON.stringify(buildProxyResources(gathered.snapshot)) !== first || JSON.stringify(buildProxyResources(again.snapshot)) !== first) {
            expect.fail(`${where}: building twice gave different output ${replay}`);
          }
          // Sharing changes nothing: the shared gather and the memoized build give the same resources.
          const viaShared = await gatherProxySnapshot(sharedCtx, p.id, { listeners: p.listeners });
          if (!viaShared.ok) throw new Error(`${where}: shared gather failed ${replay}`);
          const memoized = buildProxyResources(viaShared.snapshot, memo);
          if (JSON.stringify(memoized) !== first) {
            expect.fail(`${where}: the memoized build differs from the plain one ${replay}`);
          }
          // Its shared (frozen) parts are encoded once and framed in: the bytes are those of the plain build.
          const plainSet = resourceSetOf(built);
          const memoSet = resourceSetOf(memoized);
          for (const [key, typeUrl] of SET_TYPES) {
            const plainBytes = plainSet[key].map((r) => encodeResource(typeUrl, r).any.value.toString('base64'));
            const memoBytes = memoSet[key].map((r) => encodeResource(typeUrl, r).any.value.toString('base64'));
            if (JSON.stringify(memoBytes) !== JSON.stringify(plainBytes)) expect.fail(`${where}: the memoized ${key} encode differently ${replay}`);
          }
          proxies++;
          resources += built.listeners.length + built.clusters.length + built.routes.length + built.endpoints.length + built.secrets.length;
        }
        sharedHits += memo.stats().hits;
      } finally {
        store.close();
      }
    }
    // The generator must actually produce proxies of both flavours, or the property says nothing.
    expect(proxies).toBeGreaterThan(RUNS);
    expect(resources).toBeGreaterThan(proxies * 3);
    // And resources were in fact shared between proxies, or the memo comparison says nothing.
    expect(sharedHits).toBeGreaterThan(proxies);
    console.log(`random meshes: ${RUNS} catalogs, ${proxies} proxies, ${resources} resources validated (seeds ${FIRST_SEED}..${FIRST_SEED + RUNS - 1})`);
  });
});
