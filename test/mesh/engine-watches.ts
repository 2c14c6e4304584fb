/**
 * Driving the mesh engine through its watch interface, as the ADS server
 * does, and building a proxy's resources from scratch to compare with what
 * the engine published.
 */
import { SnapshotCache } from '../../xds/cache/index.ts';
import { caIdentitySource } from '../../xds/engine/index.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import { buildProxyResources, resourceSetOf } from '../../xds/resources/index.ts';
import { gatherProxySnapshot } from '../../xds/snapshot/gather.ts';
import type { MeshHarness } from './harness.ts';

/** Keeps a watch of every type open for a node, as a stream does; returns what cancels them. */
export function connectWatches(h: MeshHarness, nodeId: string): () => void {
  const cancels: (() => void)[] = [];
  for (const typeUrl of [LISTENER_TYPE, CLUSTER_TYPE, ENDPOINT_TYPE, ROUTE_TYPE] as const) {
    // The first watch is answered even when empty (as a stream's first request is); later ones only on a change.
    const open = (known: ReadonlyMap<string, string>, first: boolean): void => {
      const cancel = h.server.engine.createWatch(
        { nodeId, typeUrl, wildcard: true, names: new Set(), knownVersions: known, answerWhenEmpty: first },
        (res) => open(new Map([...res.resources.values()].map((r) => [r.name, r.version])), false),
      );
      cancels.push(cancel);
    };
    open(new Map(), true);
  }
  return () => cancels.forEach((c) => c());
}

/** A node's resources as (type, name) → version in a cache. */
export function versionsIn(cache: SnapshotCache, nodeId: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [typeUrl, byName] of cache.getSnapshot(nodeId) ?? []) for (const r of byName.values()) out.set(`${typeUrl} ${r.name}`, r.version);
  return out;
}

/** A proxy's resources as (type, name) → version, built from scratch: no shared reads, no memo, a cache of its own. */
export async function independentBuild(h: MeshHarness, nodeId: string, defaultAllow: boolean): Promise<Map<string, string>> {
  const gathered = await gatherProxySnapshot(
    { store: h.server.store, identity: caIdentitySource(h.server.ca, h.server.leaves), datacenter: 'dc1', defaultAllow, grpcCertificateProvider: 'switchboard' },
    nodeId,
  );
  if (!gathered.ok) throw new Error(gathered.reason);
  const set = resourceSetOf(buildProxyResources(gathered.snapshot));
  const cache = new SnapshotCache();
  cache.setSnapshot(nodeId, { [LISTENER_TYPE]: set.listeners, [CLUSTER_TYPE]: set.clusters, [ROUTE_TYPE]: set.routes, [ENDPOINT_TYPE]: set.endpoints, [SECRET_TYPE]: set.secrets });
  return versionsIn(cache, nodeId);
}
