/**
 * The agent's view of registration: a service definition (with its checks and
 * an optional sidecar) becomes one transaction of store ops on the agent's
 * own node. Re-registering replaces the service's checks and sidecar.
 */
import { buildCheck, type AgentCheckDefinition, type Validated } from './check-definition.ts';
import type { CatalogStore } from './store.ts';
import type { CatalogOp, CheckInput, ProxyConfig, ServiceInput, ServiceKind, ServiceRecord, Upstream } from './types.ts';

/** A service as the agent API accepts it. */
export interface AgentServiceDefinition {
  ID?: string;
  Name?: string;
  Kind?: ServiceKind;
  Tags?: string[];
  Address?: string;
  Port?: number;
  Meta?: Record<string, string>;
  Weights?: { Passing?: number; Warning?: number };
  EnableTagOverride?: boolean;
  TaggedAddresses?: Record<string, { Address: string; Port: number }>;
  Proxy?: Partial<ProxyConfig>;
  Connect?: { Native?: boolean; SidecarService?: AgentServiceDefinition };
  Check?: AgentCheckDefinition;
  Checks?: AgentCheckDefinition[];
}

/** Consul's range for automatically assigned sidecar ports. */
export const SIDECAR_PORT_MIN = 21000;
export const SIDECAR_PORT_MAX = 21255;

export const MAINTENANCE_CHECK_PREFIX = '_service_maintenance:';
/** The ID of the check that puts a service in maintenance mode. */
export const maintenanceCheckId = (serviceId: string): string => `${MAINTENANCE_CHECK_PREFIX}${serviceId}`;

const sidecarId = (id: string): string => `${id}-sidecar-proxy`;

/** The ops that register `def` on `node`, replacing a previous registration of the same ID. */
export function planServiceRegistration(store: CatalogStore, node: string, def: AgentServiceDefinition): Validated<CatalogOp[]> {
  const errors: string[] = [];
  if (!def.Name) return { ok: false, errors: ['Name: missing service name'] };
  const id = def.ID || def.Name;
  if (def.Kind === 'connect-proxy' && !def.Proxy?.DestinationServiceName) {
    errors.push('Proxy.DestinationServiceName: required for a connect-proxy');
  }
  if (def.Connect?.SidecarService && def.Kind === 'connect-proxy') errors.push('Connect.SidecarService: not allowed on a connect-proxy');
  const service = toService(def, id);
  const checks = planChecks(def, node, id, def.Name, '', errors);

  const ops: CatalogOp[] = [{ op: 'upsertService', node, service }];
  const sidecarDef = def.Connect?.SidecarService;
  if (sidecarDef) {
    if (sidecarDef.Connect?.SidecarService) errors.push('Connect.SidecarService.Connect.SidecarService: sidecars cannot be nested');
    const sc = planSidecar(service, sidecarDef, store.listServicesOnNode(node));
    if (!sc.ok) errors.push(...sc.errors);
    else {
      ops.push({ op: 'upsertService', node, service: sc.value });
      ops.push(...replaceChecks(store, node, sc.value.ID, planChecks(sidecarDef, node, sc.value.ID, sc.value.Service, 'Connect.SidecarService.', errors)));
    }
  } else if (store.getService(node, sidecarId(id))?.Proxy?.DestinationServiceID === id) {
    ops.push({ op: 'deleteService', node, serviceId: sidecarId(id) });
  }
  if (errors.length > 0) return { ok: false, errors };
  // Checks go after their services so the transaction sees the service exist.
  ops.splice(1, 0, ...replaceChecks(store, node, id, checks));
  return { ok: true, value: ops };
}

function toService(def: AgentServiceDefinition, id: string): ServiceInput {
  const s: ServiceInput = {
    ID: id,
    Service: def.Name!,
    Tags: def.Tags ?? [],
    Address: def.Address ?? '',
    Port: def.Port ?? 0,
    Meta: def.Meta ?? {},
    Weights: { Passing: def.Weights?.Passing ?? 1, Warning: def.Weights?.Warning ?? 1 },
  };
  if (def.Kind) s.Kind = def.Kind;
  if (def.EnableTagOverride !== undefined) s.EnableTagOverride = def.EnableTagOverride;
  if (def.TaggedAddresses) s.TaggedAddresses = def.TaggedAddresses;
  if (def.Proxy?.DestinationServiceName) s.Proxy = def.Proxy as ProxyConfig;
  if (def.Connect?.Native) s.Connect = { Native: true };
  return s;
}

function planChecks(def: AgentServiceDefinition, node: string, serviceId: string, serviceName: string, prefix: string, errors: string[]): CheckInput[] {
  const defs = def.Checks ?? (def.Check ? [def.Check] : []);
  const out: CheckInput[] = [];
  defs.forEach((c, i) => {
    const field = def.Checks ? `${prefix}Checks[${i}]` : `${prefix}Check`;
    const r = buildCheck(c, {
      node,
      field,
      serviceId,
      serviceName,
      defaultId: def.Checks && defs.length > 1 ? `service:${serviceId}:${i + 1}` : `service:${serviceId}`,
      defaultName: `Service '${serviceName}' check`,
    });
    if (r.ok) out.push(r.value);
    else errors.push(...r.errors);
  });
  return out;
}

/** Upserts `checks` (keeping the status of a check that already exists) and drops the service's other checks. */
function replaceChecks(store: CatalogStore, node: string, serviceId: string, checks: CheckInput[]): CatalogOp[] {
  const ops: CatalogOp[] = [];
  const keep = new Set(checks.map((c) => c.CheckID));
  for (const c of checks) {
    const old = store.getCheck(node, c.CheckID);
    const check = old && old.ServiceID === serviceId && c.Status === 'critical' ? { ...c, Status: old.Status, Output: old.Output } : c;
    ops.push({ op: 'upsertCheck', check });
  }
  for (const old of store.listChecks({ node, serviceId })) {
    if (!keep.has(old.CheckID) && old.CheckID !== maintenanceCheckId(serviceId)) {
      ops.push({ op: 'deleteCheck', node, checkId: old.CheckID });
    }
  }
  return ops;
}

function planSidecar(parent: ServiceInput, def: AgentServiceDefinition, onNode: ServiceRecord[]): Validated<ServiceInput> {
  const id = def.ID || sidecarId(parent.ID);
  const existing = onNode.find((s) => s.ID === id);
  let port = def.Port;
  if (port === undefined) {
    if (existing && existing.Port >= SIDECAR_PORT_MIN && existing.Port <= SIDECAR_PORT_MAX) port = existing.Port;
    else {
      const used = new Set(onNode.filter((s) => s.ID !== id).map((s) => s.Port));
      for (let p = SIDECAR_PORT_MIN; p <= SIDECAR_PORT_MAX && port === undefined; p++) if (!used.has(p)) port = p;
      if (port === undefined) return { ok: false, errors: [`Connect.SidecarService.Port: no free port in ${SIDECAR_PORT_MIN}-${SIDECAR_PORT_MAX}`] };
    }
  }
  const proxy: ProxyConfig = {
    ...(def.Proxy ?? {}),
    DestinationServiceName: parent.Service,
    DestinationServiceID: parent.ID,
    LocalServiceAddress: def.Proxy?.LocalServiceAddress ?? '127.0.0.1',
    LocalServicePort: def.Proxy?.LocalServicePort ?? parent.Port,
    Upstreams: (def.Proxy?.Upstreams ?? []).map(normalizeUpstream),
  };
  return {
    ok: true,
    value: {
      ID: id,
      Service: def.Name || `${parent.Service}-sidecar-proxy`,
      Kind: 'connect-proxy',
      // Consul's sidecar defaults: the parent's tags, meta and address unless overridden.
      Tags: def.Tags ?? parent.Tags,
      Address: def.Address ?? parent.Address,
      Port: port,
      Meta: def.Meta ?? parent.Meta,
      Weights: { Passing: def.Weights?.Passing ?? 1, Warning: def.Weights?.Warning ?? 1 },
      Proxy: proxy,
    },
  };
}

function normalizeUpstream(u: Upstream): Upstream {
  return { DestinationType: u.DestinationType ?? 'service', ...u };
}
