/**
 * Reads shared by every proxy gathered at the same store state: what many
 * proxies need (an upstream's instances and endpoints, registrations by ID,
 * node records, config entries, compiled authorizations, whole upstreams),
 * read once and handed out as the same objects until a change alters them.
 * The mesh engine owns one and tells it about every change.
 */
import { topic, type CatalogStore, type ConfigEntryRecord, type NodeRecord, type ServiceHealthEntry, type HealthStatus, type ServiceRecord } from '../../catalog/index.ts';
import type { SnapshotDependencies } from './gather.ts';
import type { EndpointSnapshot, InboundAuthorization, UpstreamSnapshot } from './types.ts';

/** A mesh instance of a service with its aggregated health, as read from the store. */
export interface MeshInstance {
  entry: ServiceHealthEntry;
  status: HealthStatus;
}

/**
 * Reads many proxies need (the instances of a popular upstream, the
 * registration behind a node id, config entries, a destination's compiled
 * intentions), done once and shared. The owner drops the services a change
 * touched (`forgetServices`) before proxies are rebuilt; config-derived reads
 * are kept while the store's config table is unchanged. What is handed out is
 * shared between proxies (the resource builders recognise it by identity) and
 * must not be mutated.
 */
export class SharedReads {
  private readonly instances = new Map<string, MeshInstance[]>();
  /** Every mesh endpoint of a service (no subset), one array per store state. */
  private readonly endpoints = new Map<string, EndpointSnapshot[]>();
  /** Registrations by ID, and the IDs on each node (to refresh one node's share after a change). */
  private byId: { map: Map<string, string>; onNode: Map<string, string[]> } | undefined;
  private config:
    | {
        index: number;
        entries: Map<string, ConfigEntryRecord | undefined>;
        authorizations: Map<string, InboundAuthorization>;
        upstreams: Map<string, SharedUpstream>;
        /** Upstreams a change dropped, kept to be recognised if gathered again unchanged. */
        stale: Map<string, SharedUpstream>;
        /** Authorizations of the previous config state, kept likewise. */
        staleAuthorizations: Map<string, InboundAuthorization>;
      }
    | undefined;
  /** Service → keys of the shared upstreams that read it (held or stale), so a change regathers exactly those. */
  private readonly upstreamsByService = new Map<string, Set<string>>();
  /** How to gather each shared upstream again (its parameters are in the closure). */
  private readonly gatherers = new Map<string, () => SharedUpstream>();
  private readonly nodes = new Map<string, NodeRecord | undefined>();

  /** The cached mesh instances of a service, computing them on first use. */
  meshInstances(store: CatalogStore, service: string, read: () => MeshInstance[]): MeshInstance[] {
    let rows = this.instances.get(service);
    if (!rows) this.instances.set(service, (rows = read()));
    return rows;
  }

  /** The cached endpoints of a service (every mesh instance, no subset), computing them on first use. */
  allEndpoints(service: string, compute: () => EndpointSnapshot[]): EndpointSnapshot[] {
    let list = this.endpoints.get(service);
    if (!list) this.endpoints.set(service, (list = compute()));
    return list;
  }

  /**
   * The registration with this ID on any node, through an index of which
   * node holds each ID, built on first use and then kept current node by node
   * (`forgetNodes`): a registration re-reads one node, not the whole catalog.
   * The index holds node names only; the record is read when asked for (a
   * catalog of 20,000 registrations would otherwise stay in memory twice).
   */
  serviceById(store: CatalogStore, id: string): ServiceRecord | undefined {
    if (!this.byId) {
      this.byId = { map: new Map(), onNode: new Map() };
      for (const node of store.listNodes()) this.readNode(store, node.Node);
    }
    const node = this.byId.map.get(id);
    const found = node === undefined ? undefined : store.getService(node, id);
    if (found) return found;
    // The same ID on another node, hidden while the first one was registered (rare), or truly unknown.
    const elsewhere = findServiceById(store, id);
    if (elsewhere) this.byId.map.set(id, elsewhere.Node);
    return elsewhere;
  }

  /** A catalog node, read once until a change touches it. */
  node(store: CatalogStore, name: string): NodeRecord | undefined {
    if (this.nodes.has(name)) return this.nodes.get(name);
    const rec = store.getNode(name);
    this.nodes.set(name, rec);
    return rec;
  }

  /**
   * Forgets the node records a change touched, and re-reads their registrations
   * when services were written (the owner calls it for every change to nodes or services).
   */
  forgetNodes(store: CatalogStore, nodes: Iterable<string>, servicesWritten = true): void {
    for (const node of nodes) this.nodes.delete(node);
    if (!this.byId || !servicesWritten) return;
    for (const node of nodes) {
      for (const id of this.byId.onNode.get(node) ?? []) {
        if (this.byId.map.get(id) === node) this.byId.map.delete(id);
      }
      this.byId.onNode.delete(node);
      this.readNode(store, node);
    }
  }

  private readNode(store: CatalogStore, node: string): void {
    const byId = this.byId!;
    const ids: string[] = [];
    for (const id of store.listServiceIdsOnNode(node)) {
      if (!byId.map.has(id)) byId.map.set(id, node);
      ids.push(id);
    }
    if (ids.length > 0) byId.onNode.set(node, ids);
  }

  /** A config entry, read once per state of the store's config table. */
  configEntry(store: CatalogStore, kind: string, name: string): ConfigEntryRecord | undefined {
    const entries = this.configState(store).entries;
    const key = `${kind}/${name}`;
    if (entries.has(key)) return entries.get(key);
    const rec = store.getConfigEntry(kind, name);
    entries.set(key, rec);
    return rec;
  }

  /** A destination's compiled authorization, compiled once per state of the config table. */
  authorization(store: CatalogStore, key: string, compile: () => InboundAuthorization): InboundAuthorization {
    const state = this.configState(store);
    let auth = state.authorizations.get(key);
    if (!auth) {
      auth = compile();
      // Compiled again after a config change that did not concern this destination: keep the object proxies hold.
      const before = state.staleAuthorizations.get(key);
      state.staleAuthorizations.delete(key);
      if (before && JSON.stringify(before) === JSON.stringify(auth)) auth = before;
      state.authorizations.set(key, auth);
    }
    return auth;
  }

  /**
   * An upstream as every proxy declaring it the same way sees it, gathered
   * once per state of the services it read and of the config table. The
   * snapshot is shared (builders recognise it by identity); `deps` is what
   * gathering it read, for each proxy's own dependencies.
   */
  upstream(store: CatalogStore, key: string, gather: () => SharedUpstream): SharedUpstream {
    const upstreams = this.configState(store).upstreams;
    let hit = upstreams.get(key);
    if (!hit) {
      hit = gather();
      // Gathered again after a change that did not alter it (a registration of
      // the destination's app, a check output): keep the object proxies already
      // hold, so nothing downstream sees a difference.
      const before = this.config!.stale.get(key);
      this.config!.stale.delete(key);
      if (before && sameUpstream(before, hit)) hit = before;
      upstreams.set(key, hit);
      this.gatherers.set(key, gather);
      this.indexUpstream(key, hit);
    }
    return hit;
  }

  /**
   * Drops the raw catalog rows kept while proxies are rebuilt (mesh instances
   * with their checks): what was derived from them (endpoint lists, shared
   * upstreams) stays, and the rows are read again only for services a later
   * change touches.
   */
  dropRows(): void {
    this.instances.clear();
  }

  /**
   * After a change to these services: drops their cached reads and gathers
   * again, at once, every shared upstream that read one of them. Returns the
   * services read by an upstream that came out different: only proxies using
   * one of those need a rebuild for their upstreams (an app registered
   * without a sidecar, a check's output, leave every upstream as it was).
   */
  refreshServices(store: CatalogStore, names: Iterable<string>): UpstreamRefresh {
    const state = this.configState(store);
    const keys = new Set<string>();
    for (const n of names) {
      this.instances.delete(n);
      this.endpoints.delete(n);
      for (const k of this.upstreamsByService.get(n) ?? []) keys.add(k);
    }
    const before = new Map<string, SharedUpstream>();
    for (const k of keys) {
      const held = state.upstreams.get(k) ?? state.stale.get(k);
      if (held) before.set(k, held);
      state.upstreams.delete(k);
      state.stale.delete(k);
    }
    const changed = new Set<string>();
    const replaced = new Map<UpstreamSnapshot, UpstreamSnapshot | undefined>();
    for (const [k, old] of before) {
      const gather = this.gatherers.get(k);
      let fresh = gather?.();
      if (fresh && sameUpstream(old, fresh)) fresh = old;
      if (fresh) {
        state.upstreams.set(k, fresh);
        this.indexUpstream(k, fresh);
      }
      if (fresh === old) continue;
      for (const s of [...old.deps.connect, ...(fresh?.deps.connect ?? [])]) changed.add(s);
      replaced.set(old.snapshot, fresh && endpointsOnlyDiffer(old, fresh) ? fresh.snapshot : undefined);
    }
    return { changed, replaced };
  }

  private indexUpstream(key: string, u: SharedUpstream): void {
    for (const s of u.deps.connect) {
      let keys = this.upstreamsByService.get(s);
      if (!keys) this.upstreamsByService.set(s, (keys = new Set()));
      keys.add(key);
    }
  }

  private configState(store: CatalogStore): NonNullable<SharedReads['config']> {
    const index = store.topicIndex([topic.table('config')]);
    if (!this.config || this.config.index !== index) {
      // Everything derived from config entries is gathered again, but what comes out
      // equal keeps its object, so a change to one entry rebuilds only what it altered.
      const prev = this.config;
      this.config = {
        index,
        entries: new Map(),
        authorizations: new Map(),
        upstreams: new Map(),
        stale: new Map([...(prev?.stale ?? []), ...(prev?.upstreams ?? [])]),
        staleAuthorizations: new Map([...(prev?.staleAuthorizations ?? []), ...(prev?.authorizations ?? [])]),
      };
      // upstreamsByService stays: stale upstreams are still held by proxies and must be found when a service changes.
    }
    return this.config;
  }
}

/** What a catalog change did to the shared upstreams. */
export interface UpstreamRefresh {
  /** Services read by an upstream that came out different. */
  changed: Set<string>;
  /**
   * Each upstream snapshot replaced, with its successor when only endpoints
   * differ (same clusters, routes, listeners: only ClusterLoadAssignments
   * change), or undefined when more changed.
   */
  replaced: Map<UpstreamSnapshot, UpstreamSnapshot | undefined>;
}

/** True when two gathers of an upstream differ at most in their endpoint lists. */
function endpointsOnlyDiffer(a: SharedUpstream, b: SharedUpstream): boolean {
  const withoutEndpoints = (u: SharedUpstream): string => JSON.stringify(u.snapshot, (key, value: unknown) => (key === 'endpoints' ? undefined : value));
  return a.error === undefined && b.error === undefined && JSON.stringify(a.deps) === JSON.stringify(b.deps) && withoutEndpoints(a) === withoutEndpoints(b);
}

function sameUpstream(a: SharedUpstream, b: SharedUpstream): boolean {
  return a.error === b.error && JSON.stringify(a.deps) === JSON.stringify(b.deps) && JSON.stringify(a.snapshot) === JSON.stringify(b.snapshot);
}

/** A gathered upstream shared between proxies, with what gathering it read, or why it cannot be had. */
export interface SharedUpstream {
  snapshot: UpstreamSnapshot;
  deps: SnapshotDependencies;
  error?: string;
}

/** Finds a service registration by ID on any node. */
export function findServiceById(store: CatalogStore, id: string): ServiceRecord | undefined {
  for (const node of store.listNodes()) {
    const svc = store.getService(node.Node, id);
    if (svc) return svc;
  }
  return undefined;
}
