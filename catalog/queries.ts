/**
 * Read-side queries composed from the store's primitive reads, the same for
 * every backend. Each returns the topics its result depends on, so a blocking
 * reader knows what to wait on and what index to report.
 */
import { aggregateStatus } from './health-status.ts';
import type { CatalogStore } from './store.ts';
import { topic } from './topics.ts';
import type { CheckRecord, HealthStatus, NodeRecord, ServiceRecord } from './types.ts';

/** One instance with its node and every check that decides its health (node checks first). */
export interface ServiceHealthEntry {
  Node: NodeRecord;
  Service: ServiceRecord;
  Checks: CheckRecord[];
}

export interface ServiceHealthOptions {
  /** Connect-capable instances for this destination instead of instances named so. */
  connect?: boolean;
  /** Keep only instances carrying every one of these tags. */
  tags?: readonly string[];
  /** Keep only instances whose checks all pass. */
  passing?: boolean;
}

/** Topics a query about one service depends on (its instances, their checks, their nodes). */
export function serviceTopics(name: string, connect = false): string[] {
  return [connect ? topic.connect(name) : topic.service(name)];
}

/** The health view of a service's instances (Consul's /v1/health/service). */
export function serviceHealth(store: CatalogStore, name: string, opts: ServiceHealthOptions = {}): ServiceHealthEntry[] {
  const instances = opts.connect ? store.listConnectInstances(name) : store.listServiceInstances(name);
  const nodes = new Map<string, NodeRecord | undefined>();
  const nodeChecks = new Map<string, CheckRecord[]>();
  const out: ServiceHealthEntry[] = [];
  for (const svc of instances) {
    if (opts.tags && !opts.tags.every((t) => svc.Tags.includes(t))) continue;
    if (!nodes.has(svc.Node)) {
      nodes.set(svc.Node, store.getNode(svc.Node));
      // Node-level checks only: a node can carry hundreds of instances' checks, which this instance does not need.
      nodeChecks.set(svc.Node, store.listChecks({ node: svc.Node, serviceId: '' }));
    }
    const node = nodes.get(svc.Node);
    if (!node) continue;
    const checks = [...(nodeChecks.get(svc.Node) ?? []), ...store.listChecks({ node: svc.Node, serviceId: svc.ID })];
    if (opts.passing && aggregateStatus(checks) !== 'passing') continue;
    out.push({ Node: node, Service: svc, Checks: checks });
  }
  return out;
}

/** An instance as DNS answers it. */
export interface HealthyInstance {
  node: string;
  nodeAddress: string;
  serviceId: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  status: HealthStatus;
}

/**
 * Instances of a service that are not critical (warning counts as healthy, as
 * in Consul's DNS), with the service address falling back to the node's.
 */
export function healthyInstances(store: CatalogStore, name: string, opts: { tag?: string; connect?: boolean } = {}): HealthyInstance[] {
  const entries = serviceHealth(store, name, { connect: opts.connect, tags: opts.tag ? [opts.tag] : undefined });
  const out: HealthyInstance[] = [];
  for (const e of entries) {
    const status = aggregateStatus(e.Checks);
    if (status === 'critical') continue;
    out.push({
      node: e.Node.Node,
      nodeAddress: e.Node.Address,
      serviceId: e.Service.ID,
      address: e.Service.Address || e.Node.Address,
      port: e.Service.Port,
      tags: e.Service.Tags,
      meta: e.Service.Meta,
      status,
    });
  }
  return out;
}
