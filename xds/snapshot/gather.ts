/**
 * Gathering: reads the catalog, the config entries and the CA, and fills one
 * proxy's ProxySnapshot, together with the list of things it depended on (so
 * the engine rebuilds it only when one of them changes). No Envoy types here.
 */
import { aggregateStatus, serviceHealth, topic, type CatalogStore, type ConfigEntryRecord, type HealthStatus, type NodeRecord, type ServiceRecord, type ServiceHealthEntry } from '../../catalog/index.ts';
import { compileIntentions, intentionsFromEntries, type ServiceIntentionsEntry } from '../../policy/index.ts';
import { gatherUpstreamChain } from './chain.ts';
import { clusterSni } from './names.ts';
import { isHttpProtocol } from './types.ts';
import type {
  EndpointSnapshot,
  InboundAuthorization,
  InboundSnapshot,
  Protocol,
  ProxySnapshot,
  ServiceIdentity,
  UpstreamSnapshot,
} from './types.ts';

/** Certificates and trust, as the gatherer needs them from the CA. */
export interface IdentitySource {
  trustDomain(): string;
  /** Trusted roots, PEM, active first. */
  rootsPEM(): string[];
  /** The current leaf of a service (issued on first use, then cached and rotated by the CA). */
  leaf(service: string): Promise<{ certPEM: string; keyPEM: string }>;
}

/** Things outside the catalog the gatherer needs to know. */
export interface GatherContext {
  store: CatalogStore;
  identity: IdentitySource;
  datacenter: string;
  /** The default intention policy (until intentions are compiled in). */
  defaultAllow: boolean;
  /** Certificate provider instance name in gRPC bootstraps. */
  grpcCertificateProvider: string;
  /** Reads shared by every proxy gathered at the same store state (the engine keeps one). */
  shared?: SharedReads;
}

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
    for (const s of store.listServicesOnNode(node)) {
      if (!byId.map.has(s.ID)) byId.map.set(s.ID, node);
      ids.push(s.ID);
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
      for (const s of [...old.deps.services, ...old.deps.connect, ...(fresh?.deps.connect ?? []), ...(fresh?.deps.services ?? [])]) changed.add(s);
      replaced.set(old.snapshot, fresh && endpointsOnlyDiffer(old, fresh) ? fresh.snapshot : undefined);
    }
    return { changed, replaced };
  }

  private indexUpstream(key: string, u: SharedUpstream): void {
    for (const s of [...u.deps.services, ...u.deps.connect]) {
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

/** What a proxy's snapshot read, so a change to any of them rebuilds it. */
export interface SnapshotDependencies {
  /** Its own registration (by service name, as change events name services). */
  services: string[];
  /** Services whose connect-capable endpoints it uses. */
  connect: string[];
  /** `kind/name` of config entries it read. */
  configEntries: string[];
}

/**
 * A gathered snapshot, or why none could be made. `notes` say why something
 * the proxy asked for is left out (a proxyless server bound to a port other
 * than its registration's, a Listener name that names no service); the rest
 * of its configuration is still good.
 */
export type GatherResult =
  | { ok: true; snapshot: ProxySnapshot; deps: SnapshotDependencies; notes: string[] }
  | { ok: false; reason: string; deps: SnapshotDependencies };

/** Names a proxyless gRPC client or server has subscribed to, which decide its upstreams and server listener. */
export interface ProxylessRequests {
  listeners: readonly string[];
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'http', 'http2', 'grpc'];
const SERVER_LISTENER_PREFIX = 'grpc/server?xds.resource.listening_address=';
/** What a proxyless client dials: `xds:///<service>` or `xds:///<service>:<port>` (the port is not used: endpoints come from the catalog). */
const CLIENT_TARGET = /^([A-Za-z0-9][A-Za-z0-9_.-]*)(?::(\d{1,5}))?$/;

function asProtocol(v: unknown): Protocol | undefined {
  return typeof v === 'string' && (PROTOCOLS as readonly string[]).includes(v.toLowerCase()) ? (v.toLowerCase() as Protocol) : undefined;
}

/** Finds a service registration by ID on any node. */
export function findServiceById(store: CatalogStore, id: string): ServiceRecord | undefined {
  for (const node of store.listNodes()) {
    const svc = store.getService(node.Node, id);
    if (svc) return svc;
  }
  return undefined;
}

/** The protocol of a service: service-defaults, else proxy-defaults' `Config.protocol`, else tcp. */
export function serviceProtocol(store: CatalogStore, service: string, deps: SnapshotDependencies, shared?: SharedReads): Protocol {
  deps.configEntries.push(`service-defaults/${service}`, 'proxy-defaults/global');
  const read = (kind: string, name: string): ConfigEntryRecord | undefined => (shared ? shared.configEntry(store, kind, name) : store.getConfigEntry(kind, name));
  const sd = read('service-defaults', service)?.Body;
  const fromService = asProtocol(sd?.['Protocol']);
  if (fromService) return fromService;
  const pd = read('proxy-defaults', 'global')?.Body;
  const config = pd?.['Config'];
  const fromGlobal = config && typeof config === 'object' ? asProtocol((config as Record<string, unknown>)['protocol']) : undefined;
  return fromGlobal ?? 'tcp';
}

function weightOf(svc: ServiceRecord, status: HealthStatus): number {
  const w = status === 'warning' ? svc.Weights?.Warning : svc.Weights?.Passing;
  return typeof w === 'number' && w > 0 ? w : 1;
}

/**
 * The mesh endpoints of a service: its sidecars (whose health includes the
 * checks of the instance they front) and its Connect-native instances.
 */
export function meshEndpoints(
  store: CatalogStore,
  service: string,
  deps: SnapshotDependencies,
  select?: (row: unknown, passing: boolean) => boolean,
  shared?: SharedReads,
): EndpointSnapshot[] {
  const selectsAll = select === undefined;
  select ??= () => true;
  deps.connect.push(service);
  const read = (): MeshInstance[] => readMeshInstances(store, service);
  const compute = (): EndpointSnapshot[] => {
    const out: EndpointSnapshot[] = [];
    for (const { entry: e, status } of shared ? shared.meshInstances(store, service, read) : read()) {
      if (!select(e, status === 'passing')) continue;
      out.push({
        address: e.Service.Address || e.Node.Address,
        port: e.Service.Port,
        health: status === 'critical' ? 'UNHEALTHY' : 'HEALTHY',
        weight: weightOf(e.Service, status),
      });
    }
    return out;
  };
  return shared && selectsAll ? shared.allEndpoints(service, compute) : compute();
}

/** The mesh instances of a service with their health (a sidecar's includes the checks of the instance it fronts). */
function readMeshInstances(store: CatalogStore, service: string): MeshInstance[] {
  return serviceHealth(store, service, { connect: true }).map((e) => {
    const checks = [...e.Checks];
    const destId = e.Service.Kind === 'connect-proxy' ? e.Service.Proxy?.DestinationServiceID : undefined;
    if (destId) checks.push(...store.listChecks({ node: e.Service.Node, serviceId: destId }));
    return { entry: e, status: aggregateStatus(checks) };
  });
}

function upstreamSnapshot(
  ctx: GatherContext,
  deps: SnapshotDependencies,
  id: string,
  destination: ServiceIdentity,
  local: { address: string; port: number },
  protocolOverride: Protocol | undefined,
  connectTimeoutMs: number | undefined,
  errors: string[],
): UpstreamSnapshot {
  const gather = (): SharedUpstream => {
    const own: SnapshotDependencies = { services: [], connect: [], configEntries: [] };
    const found: string[] = [];
    const snapshot = gatherUpstream(ctx, own, id, destination, local, protocolOverride, connectTimeoutMs, found);
    return { snapshot, deps: own, ...(found.length > 0 ? { error: found.join('; ') } : {}) };
  };
  const key = [id, destination.service, destination.namespace, destination.datacenter, local.address, local.port, protocolOverride ?? '', connectTimeoutMs ?? '', ctx.identity.trustDomain()].join('\0');
  const got = ctx.shared ? ctx.shared.upstream(ctx.store, key, gather) : gather();
  deps.services.push(...got.deps.services);
  deps.connect.push(...got.deps.connect);
  deps.configEntries.push(...got.deps.configEntries);
  if (got.error !== undefined) errors.push(got.error);
  return got.snapshot;
}

function gatherUpstream(
  ctx: GatherContext,
  deps: SnapshotDependencies,
  id: string,
  destination: ServiceIdentity,
  local: { address: string; port: number },
  protocolOverride: Protocol | undefined,
  connectTimeoutMs: number | undefined,
  errors: string[],
): UpstreamSnapshot {
  const protocol = protocolOverride ?? serviceProtocol(ctx.store, destination.service, deps, ctx.shared);
  const out: UpstreamSnapshot = {
    id,
    destination,
    protocol,
    localBindAddress: local.address,
    localBindPort: local.port,
    connectTimeoutMs: connectTimeoutMs ?? 5000,
    endpoints: meshEndpoints(ctx.store, destination.service, deps, undefined, ctx.shared),
  };
  // Routers and splitters need L7; a TCP upstream has one cluster whatever the entries say.
  if (!isHttpProtocol(protocol) || destination.datacenter !== ctx.datacenter) return out;
  const chain = gatherUpstreamChain(
    ctx.store,
    deps,
    { service: destination.service, datacenter: ctx.datacenter, trustDomain: ctx.identity.trustDomain() },
    (service, select) => meshEndpoints(ctx.store, service, deps, select, ctx.shared),
  );
  if (!chain.ok) errors.push(chain.error);
  else if (chain.chain) out.chain = chain.chain;
  return out;
}

/**
 * The inbound authorization of a destination: the intentions that govern it
 * (its own service-intentions entry and the wildcard one), compiled.
 */
/** A destination's inbound authorization as a gather would give it (shared per config state when `ctx.shared` is set). */
export function destinationAuthorization(ctx: GatherContext, destination: string, protocol: Protocol): InboundAuthorization {
  return authorization(ctx, destination, protocol, { services: [], connect: [], configEntries: [] });
}

function authorization(ctx: GatherContext, destination: string, protocol: Protocol, deps: SnapshotDependencies): InboundAuthorization {
  deps.configEntries.push(`service-intentions/${destination}`, 'service-intentions/*');
  const compile = (): InboundAuthorization => {
    const entries: ServiceIntentionsEntry[] = [];
    for (const name of [destination, '*']) {
      const rec = ctx.store.getConfigEntry('service-intentions', name);
      if (rec) entries.push(rec.Body as unknown as ServiceIntentionsEntry);
    }
    return compileIntentions(intentionsFromEntries(entries), {
      destination: { name: destination },
      defaultAllow: ctx.defaultAllow,
      protocol,
      trustDomain: ctx.identity.trustDomain(),
    });
  };
  // Shared per config state: every proxy of a destination carries the same object (the listener builder keys on it).
  return ctx.shared ? ctx.shared.authorization(ctx.store, `${destination}\0${protocol}\0${ctx.defaultAllow}\0${ctx.identity.trustDomain()}`, compile) : compile();
}

/** Gathers the snapshot of the proxy whose node.id is `proxyId`. */
export async function gatherProxySnapshot(ctx: GatherContext, proxyId: string, requests: ProxylessRequests = { listeners: [] }): Promise<GatherResult> {
  const deps: SnapshotDependencies = { services: [], connect: [], configEntries: [] };
  const svc = ctx.shared ? ctx.shared.serviceById(ctx.store, proxyId) : findServiceById(ctx.store, proxyId);
  if (!svc) return { ok: false, reason: `no service registered with ID "${proxyId}" (node.id must be the proxy's service ID)`, deps };
  deps.services.push(svc.Service);
  const node = ctx.shared ? ctx.shared.node(ctx.store, svc.Node) : ctx.store.getNode(svc.Node);
  const address = svc.Address || node?.Address || '127.0.0.1';
  const trustDomain = ctx.identity.trustDomain();

  const notes: string[] = [];
  const errors: string[] = [];
  if (svc.Kind === 'connect-proxy') {
    const proxy = svc.Proxy;
    if (!proxy?.DestinationServiceName) return { ok: false, reason: `connect-proxy "${proxyId}" has no Proxy.DestinationServiceName`, deps };
    const identity: ServiceIdentity = { service: proxy.DestinationServiceName, namespace: 'default', datacenter: ctx.datacenter };
    const ownProtocol = asProtocol(proxy.Config?.['protocol']) ?? serviceProtocol(ctx.store, identity.service, deps, ctx.shared);
    const upstreams = (proxy.Upstreams ?? []).map((u) =>
      upstreamSnapshot(
        ctx,
        deps,
        u.DestinationName,
        { service: u.DestinationName, namespace: u.DestinationNamespace || 'default', datacenter: u.Datacenter || ctx.datacenter },
        { address: u.LocalBindAddress || '127.0.0.1', port: u.LocalBindPort ?? 0 },
        asProtocol(u.Config?.['protocol']),
        typeof u.Config?.['connect_timeout_ms'] === 'number' ? (u.Config['connect_timeout_ms'] as number) : undefined,
        errors,
      ),
    );
    if (errors.length > 0) return { ok: false, reason: errors.join('; '), deps };
    const leaf = await ctx.identity.leaf(identity.service);
    return {
      ok: true,
      deps,
      notes,
      snapshot: {
        kind: 'connect-proxy',
        proxyId,
        identity,
        tls: { trustDomain, rootsPEM: ctx.identity.rootsPEM(), leafCertPEM: leaf.certPEM, leafKeyPEM: leaf.keyPEM },
        upstreams: dedupeUpstreams(trustDomain, upstreams),
        inbound: {
          address,
          port: svc.Port,
          protocol: ownProtocol,
          localAppAddress: proxy.LocalServiceAddress || '127.0.0.1',
          localAppPort: proxy.LocalServicePort ?? 0,
          authorization: authorization(ctx, identity.service, ownProtocol, deps),
        },
      },
    };
  }

  if (svc.Connect?.Native) {
    const identity: ServiceIdentity = { service: svc.Service, namespace: 'default', datacenter: ctx.datacenter };
    const upstreams: UpstreamSnapshot[] = [];
    let inbound: InboundSnapshot | undefined;
    for (const name of [...new Set(requests.listeners)].sort()) {
      if (name.startsWith(SERVER_LISTENER_PREFIX)) {
        const hostPort = name.slice(SERVER_LISTENER_PREFIX.length);
        const i = hostPort.lastIndexOf(':');
        const host = hostPort.slice(0, i).replace(/^\[|\]$/g, '');
        const port = Number(hostPort.slice(i + 1));
        if (i <= 0 || !Number.isInteger(port)) {
          notes.push(`server Listener "${name}" not sent: "${hostPort}" is not <ip>:<port>`);
        } else if (port !== svc.Port) {
          notes.push(`server Listener "${name}" not sent: "${proxyId}" is registered with port ${svc.Port}; bind the registered port`);
        } else {
          inbound = {
            address: host,
            port,
            protocol: 'grpc',
            localAppAddress: host,
            localAppPort: port,
            authorization: authorization(ctx, identity.service, 'grpc', deps),
          };
        }
        continue;
      }
      const target = CLIENT_TARGET.exec(name);
      if (!target) {
        notes.push(`Listener "${name}" not sent: it names no service (dial xds:///<service> or xds:///<service>:<port>)`);
        continue;
      }
      const service = target[1]!;
      upstreams.push(
        upstreamSnapshot(ctx, deps, name, { service, namespace: 'default', datacenter: ctx.datacenter }, { address: '', port: 0 }, 'grpc', undefined, errors),
      );
    }
    if (errors.length > 0) return { ok: false, reason: errors.join('; '), deps };
    return {
      ok: true,
      deps,
      notes,
      snapshot: {
        kind: 'grpc-proxyless',
        proxyId,
        identity,
        tls: { trustDomain, rootsPEM: ctx.identity.rootsPEM(), leafCertPEM: '', leafKeyPEM: '' },
        upstreams,
        inbound,
        certificateProviderInstance: ctx.grpcCertificateProvider,
      },
    };
  }

  return { ok: false, reason: `service "${proxyId}" is neither a connect-proxy nor Connect-native`, deps };
}

/** Two upstreams to the same destination would make duplicate clusters; keep the first. */
function dedupeUpstreams(trustDomain: string, upstreams: UpstreamSnapshot[]): UpstreamSnapshot[] {
  const seen = new Set<string>();
  return upstreams.filter((u) => {
    const key = clusterSni(trustDomain, u.destination);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
