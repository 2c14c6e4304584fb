/**
 * An offline mesh: validated config files loaded into a throwaway in-memory
 * store with a throwaway CA, so every proxy they define can be rendered with
 * the server's own gatherer and builders, and checked like the server checks
 * what it sends. Nothing here listens or writes to disk.
 */
import {
  openSqliteStore,
  planServiceRegistration,
  registerAgentNode,
  type CatalogStore,
  type ServiceRecord,
} from '../catalog/index.ts';
import { InMemoryCAStateStore, LeafManager, openCertificateAuthority, type CertificateAuthority } from '../ca/index.ts';
import { caIdentitySource } from '../xds/engine/index.ts';
import { buildProxyResources, type BuiltResource, type ProxyResources } from '../xds/resources/index.ts';
import { gatherProxySnapshot, type GatherContext } from '../xds/snapshot/gather.ts';
import { validateResourceSet, type Violation } from '../xds/validate/index.ts';
import { GRPC_CERT_PROVIDER_INSTANCE } from '../xds/bootstrap/grpc.ts';
import type { CheckedConfig } from './config-check.ts';
import { problemFromMessage } from './config-check.ts';
import type { Problem } from './config-files.ts';

/** The node every service definition is registered on, as an agent would. */
export const OFFLINE_NODE = { node: 'switchboard-validate', address: '127.0.0.1' } as const;

/** The offline CA's cluster id: its trust domain is `<id>.consul`. */
export const OFFLINE_CLUSTER_ID = '00000000-0000-4000-8000-000000000000';

const SERVER_LISTENER_PREFIX = 'grpc/server?xds.resource.listening_address=';

/** One proxy the config defines: a sidecar (Envoy) or a Connect-native service (proxyless gRPC). */
export interface OfflineProxy {
  proxyId: string;
  flavour: 'envoy' | 'grpc';
  /** The file of the service definition that registered it. */
  file: string;
}

/** The loaded mesh; `close()` releases the store and the CA. */
export interface OfflineMesh {
  ctx: GatherContext;
  proxies: OfflineProxy[];
  close(): void;
}

/** A proxy's resources as the server would send them: the resource set, and anything that kept them from being built. */
export interface RenderedProxy {
  proxy: OfflineProxy;
  resources?: Omit<ProxyResources, 'diagnostics'>;
  problems: Problem[];
  /** Resources checked. */
  count: number;
}

/** Options of the offline mesh. */
export interface OfflineMeshOptions {
  datacenter: string;
  defaultAllow: boolean;
}

/** Loads validated config into a fresh in-memory store and CA; registration problems are returned, not thrown. */
export async function openOfflineMesh(checked: CheckedConfig, opts: OfflineMeshOptions): Promise<{ mesh: OfflineMesh; problems: Problem[] }> {
  const problems: Problem[] = [];
  const store: CatalogStore = openSqliteStore({ path: ':memory:' });
  let ca: CertificateAuthority | undefined;
  let leaves: LeafManager | undefined;
  const close = (): void => {
    leaves?.close();
    ca?.close();
    store.close();
  };
  try {
    await registerAgentNode(store, { ...OFFLINE_NODE, datacenter: opts.datacenter });
    const entryOps = [...checked.entries, ...checked.intentions].map(({ entry }) => ({
      op: 'setConfigEntry' as const,
      kind: entry.Kind,
      name: entry.Name,
      body: { ...entry } as Record<string, unknown>,
    }));
    if (entryOps.length > 0) {
      const r = await store.apply(entryOps);
      if (!r.ok) problems.push({ file: checked.entries[0]?.doc.file ?? '', entry: 'config entries', message: `the store refused them: ${r.message}` });
    }

    const registeredBy = new Map<string, string>();
    const fileOfProxy = new Map<string, string>();
    for (const { doc, def } of checked.services) {
      const id = def.ID || def.Name || '';
      const label = `service ${JSON.stringify(id)}`;
      const ids = [id, ...(def.Connect?.SidecarService ? [def.Connect.SidecarService.ID || `${id}-sidecar-proxy`] : [])];
      const clash = ids.find((i) => registeredBy.has(i));
      if (clash !== undefined) {
        problems.push({ file: doc.file, entry: label, field: 'ID', message: `service ID ${JSON.stringify(clash)} is already registered by ${registeredBy.get(clash)}; IDs must be unique on a node` });
        continue;
      }
      const plan = planServiceRegistration(store, OFFLINE_NODE.node, def);
      if (!plan.ok) {
        for (const e of plan.errors) problems.push(problemFromMessage(doc.file, label, e));
        continue;
      }
      const r = await store.apply(plan.value);
      if (!r.ok) {
        problems.push({ file: doc.file, entry: label, message: `the store refused the registration: ${r.message}` });
        continue;
      }
      for (const i of ids) {
        registeredBy.set(i, doc.file);
        fileOfProxy.set(i, doc.file);
      }
      for (const op of plan.value) if (op.op === 'upsertService') fileOfProxy.set(op.service.ID, doc.file);
    }

    ca = await openCertificateAuthority({
      store: new InMemoryCAStateStore(),
      datacenter: opts.datacenter,
      maintenanceIntervalMs: 0,
      // A fixed cluster id keeps names (trust domain, SNI) the same from one run to the next.
      newClusterId: () => OFFLINE_CLUSTER_ID,
    });
    leaves = new LeafManager({ ca, checkIntervalMs: 0 });
    const ctx: GatherContext = {
      store,
      identity: caIdentitySource(ca, leaves),
      datacenter: opts.datacenter,
      defaultAllow: opts.defaultAllow,
      grpcCertificateProvider: GRPC_CERT_PROVIDER_INSTANCE,
    };
    const proxies: OfflineProxy[] = [];
    for (const svc of store.listServicesOnNode(OFFLINE_NODE.node)) {
      const flavour = svc.Kind === 'connect-proxy' ? 'envoy' : svc.Connect?.Native ? 'grpc' : undefined;
      if (flavour) proxies.push({ proxyId: svc.ID, flavour, file: fileOfProxy.get(svc.ID) ?? '' });
    }
    proxies.sort((a, b) => (a.proxyId < b.proxyId ? -1 : a.proxyId > b.proxyId ? 1 : 0));
    return { mesh: { ctx, proxies, close }, problems };
  } catch (err) {
    close();
    throw err;
  }
}

/** Every mesh service name: destinations of sidecars and Connect-native services. */
function meshServiceNames(store: CatalogStore): string[] {
  const names = new Set<string>();
  for (const node of store.listNodes()) {
    for (const s of store.listServicesOnNode(node.Node)) {
      if (s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceName) names.add(s.Proxy.DestinationServiceName);
      else if (s.Connect?.Native) names.add(s.Service);
    }
  }
  return [...names].sort();
}

/**
 * The listener names a proxyless gRPC service is rendered for: its server
 * listener, and a client listener for every mesh service (a proxyless client
 * may dial any `xds:///name`, so every one of them is checked).
 */
export function proxylessListenerNames(store: CatalogStore, svc: ServiceRecord): string[] {
  const address = svc.Address || store.getNode(svc.Node)?.Address || '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return [`${SERVER_LISTENER_PREFIX}${host}:${svc.Port}`, ...meshServiceNames(store).filter((n) => n !== svc.Service)];
}

const RESOURCE_KEYS = ['listeners', 'clusters', 'routes', 'endpoints', 'secrets'] as const;

function violationProblem(file: string, proxyId: string, v: Violation): Problem {
  return { file, entry: `proxy ${proxyId}`, field: v.path === '' ? v.resource : `${v.resource}.${v.path}`, message: `${v.rule} (${v.message})` };
}

/** Renders one proxy with the server's gatherer and builders and checks the set as the server does before sending it. */
export async function renderOfflineProxy(mesh: OfflineMesh, proxy: OfflineProxy): Promise<RenderedProxy> {
  const { ctx } = mesh;
  const svc = ctx.store.getService(OFFLINE_NODE.node, proxy.proxyId);
  const requests = { listeners: proxy.flavour === 'grpc' && svc ? proxylessListenerNames(ctx.store, svc) : [] };
  const entry = `proxy ${proxy.proxyId}`;
  const gathered = await gatherProxySnapshot(ctx, proxy.proxyId, requests);
  if (!gathered.ok) return { proxy, problems: [{ file: proxy.file, entry, message: gathered.reason }], count: 0 };
  const built = buildProxyResources(gathered.snapshot);
  const problems: Problem[] = built.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ file: proxy.file, entry, field: d.resource, message: d.message }));
  // gRPC reads certificates from files (its certificate provider), so it is sent no secrets.
  const resources = {
    listeners: built.listeners,
    clusters: built.clusters,
    routes: built.routes,
    endpoints: built.endpoints,
    secrets: gathered.snapshot.kind === 'connect-proxy' ? built.secrets : [],
  };
  const set = Object.fromEntries(RESOURCE_KEYS.map((k) => [k, resources[k].map((r: BuiltResource) => r.resource)]));
  const checked = validateResourceSet(set);
  if (!checked.ok) for (const v of checked.violations) problems.push(violationProblem(proxy.file, proxy.proxyId, v));
  const count = RESOURCE_KEYS.reduce((n, k) => n + resources[k].length, 0);
  return { proxy, resources, problems, count };
}
