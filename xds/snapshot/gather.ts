/**
 * Gathering: reads the catalog, the config entries and the CA, and fills one
 * proxy's ProxySnapshot, together with the list of things it depended on (so
 * the engine rebuilds it only when one of them changes). No Envoy types here.
 */
import { aggregateStatus, serviceHealth, type CatalogStore, type ConfigEntryRecord, type HealthStatus, type ServiceRecord } from '../../catalog/index.ts';
import { findServiceById, SharedReads, type MeshInstance, type SharedUpstream } from './shared-reads.ts';
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

export { findServiceById, SharedReads, type MeshInstance, type SharedUpstream, type UpstreamRefresh } from './shared-reads.ts';

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

/** What a proxy's snapshot read, so a change to any of them rebuilds it. */
export interface SnapshotDependencies {
  /** Services whose connect-capable endpoints it uses. */
  connect: string[];
  /** `kind/name` of config entries it read. */
  configEntries: string[];
  /**
   * Its own registration: the node it is on and its service name (change
   * events name the nodes and the services they touched). Not by service name
   * alone: a new instance of its service is not a change of this proxy.
   */
  registration?: { node: string; service: string };
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

/** How a proxy declares one upstream (a sidecar's `Proxy.Upstreams` entry, or a name a proxyless client dials). */
interface UpstreamDeclaration {
  id: string;
  destination: ServiceIdentity;
  local: { address: string; port: number };
  protocolOverride: Protocol | undefined;
  connectTimeoutMs: number | undefined;
}

/** An upstream's snapshot, shared with every proxy declaring it the same way; adds what it read to `deps`. */
function upstreamSnapshot(ctx: GatherContext, deps: SnapshotDependencies, u: UpstreamDeclaration, errors: string[]): UpstreamSnapshot {
  const { id, destination, local, protocolOverride, connectTimeoutMs } = u;
  const key = [id, destination.service, destination.namespace, destination.datacenter, local.address, local.port, protocolOverride ?? '', connectTimeoutMs ?? '', ctx.identity.trustDomain()].join('\0');
  // An inline arrow: SharedReads keeps it (to regather), and a named one would carry a property array of its own under tsx.
  const got = ctx.shared ? ctx.shared.upstream(ctx.store, key, () => sharedUpstreamOf(ctx, u)) : sharedUpstreamOf(ctx, u);
  deps.connect.push(...got.deps.connect);
  deps.configEntries.push(...got.deps.configEntries);
  if (got.error !== undefined) errors.push(got.error);
  return got.snapshot;
}

/** An upstream gathered with its own dependencies, as SharedReads keeps it. */
function sharedUpstreamOf(ctx: GatherContext, u: UpstreamDeclaration): SharedUpstream {
  const own: SnapshotDependencies = { connect: [], configEntries: [] };
  const found: string[] = [];
  const snapshot = gatherUpstream(ctx, own, u, found);
  return { snapshot, deps: own, ...(found.length > 0 ? { error: found.join('; ') } : {}) };
}

function gatherUpstream(ctx: GatherContext, deps: SnapshotDependencies, u: UpstreamDeclaration, errors: string[]): UpstreamSnapshot {
  const { id, destination, local, protocolOverride, connectTimeoutMs } = u;
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
  return authorization(ctx, destination, protocol, { connect: [], configEntries: [] });
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
  const deps: SnapshotDependencies = { connect: [], configEntries: [] };
  const svc = ctx.shared ? ctx.shared.serviceById(ctx.store, proxyId) : findServiceById(ctx.store, proxyId);
  if (!svc) return { ok: false, reason: `no service registered with ID "${proxyId}" (node.id must be the proxy's service ID)`, deps };
  deps.registration = { node: svc.Node, service: svc.Service };
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
        {
          id: u.DestinationName,
          destination: { service: u.DestinationName, namespace: u.DestinationNamespace || 'default', datacenter: u.Datacenter || ctx.datacenter },
          local: { address: u.LocalBindAddress || '127.0.0.1', port: u.LocalBindPort ?? 0 },
          protocolOverride: asProtocol(u.Config?.['protocol']),
          connectTimeoutMs: typeof u.Config?.['connect_timeout_ms'] === 'number' ? (u.Config['connect_timeout_ms'] as number) : undefined,
        },
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
        upstreamSnapshot(
          ctx,
          deps,
          { id: name, destination: { service, namespace: 'default', datacenter: ctx.datacenter }, local: { address: '', port: 0 }, protocolOverride: 'grpc', connectTimeoutMs: undefined },
          errors,
        ),
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
