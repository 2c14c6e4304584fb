/**
 * Cross-resource checks over the resources one proxy is sent: names that
 * one resource uses must be delivered by another. Each reference check runs
 * only when the referenced type is present in the set (an empty array counts as
 * present and empty; a missing key means "delivered some other way, not checked"):
 * - routes' and TCP proxies' clusters (route.cluster, weighted_clusters, request mirrors,
 *   aggregate clusters) must be among `clusters`;
 * - an HCM's `rds.route_config_name` must be among `routes`;
 * - an EDS cluster's `eds_cluster_config.service_name` (or its name) must be among `endpoints`;
 * - SDS secret names in TLS contexts that are fetched over ADS (`sds_config.ads`) must be
 *   among `secrets` (secrets without `sds_config` are static bootstrap secrets; those with another
 *   config source come from elsewhere: neither is checked).
 * Always: no two resources of one type share a name, and no two listeners bind one address,
 * port and protocol.
 */
import type { ResourceObject, ResourceSet, Violation } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const typeIs = (v: Obj | undefined, suffix: string): boolean => typeof v?.['@type'] === 'string' && (v['@type'] as string).endsWith(suffix);

interface Names {
  clusters?: ReadonlySet<string>;
  routes?: ReadonlySet<string>;
  endpoints?: ReadonlySet<string>;
  secrets?: ReadonlySet<string>;
}

type Report = (path: string, rule: string, message: string) => void;

function namesOf(list: readonly ResourceObject[] | undefined, key: 'name' | 'cluster_name'): Set<string> | undefined {
  if (!list) return undefined;
  const s = new Set<string>();
  for (const r of list) { const n = str((r as Obj)[key]); if (n) s.add(n); }
  return s;
}

function needCluster(names: Names, name: unknown, path: string, report: Report): void {
  const n = str(name);
  if (n && names.clusters && !names.clusters.has(n)) report(path, 'ref.cluster', `cluster "${n}" is not in the resource set`);
}

function checkRouteAction(action: Obj | undefined, path: string, names: Names, report: Report): void {
  if (!action) return;
  needCluster(names, action.cluster, `${path}.cluster`, report);
  arr(obj(action.weighted_clusters)?.clusters).forEach((c, i) => needCluster(names, obj(c)?.name, `${path}.weighted_clusters.clusters[${i}].name`, report));
  arr(action.request_mirror_policies).forEach((m, i) => needCluster(names, obj(m)?.cluster, `${path}.request_mirror_policies[${i}].cluster`, report));
}

function checkRouteConfig(rc: Obj, prefix: string, names: Names, report: Report): void {
  arr(rc.virtual_hosts).forEach((vh, v) => {
    arr(obj(vh)?.routes).forEach((r, i) => checkRouteAction(obj(obj(r)?.route), `${prefix}virtual_hosts[${v}].routes[${i}].route`, names, report));
  });
}

function checkSdsConfig(sds: unknown, path: string, names: Names, report: Report): void {
  const s = obj(sds);
  const name = str(s?.name);
  // Only secrets fetched over this ADS stream must be in the set.
  if (!name || !names.secrets || obj(s?.sds_config)?.ads == null) return;
  if (!names.secrets.has(name)) report(`${path}.name`, 'ref.secret', `secret "${name}" is not in the resource set`);
}

function checkTransportSocket(ts: unknown, path: string, names: Names, report: Report): void {
  const tc = obj(obj(ts)?.typed_config);
  if (!typeIs(tc, 'tls.v3.DownstreamTlsContext') && !typeIs(tc, 'tls.v3.UpstreamTlsContext')) return;
  const common = obj(tc?.common_tls_context);
  if (!common) return;
  const base = `${path}.typed_config.common_tls_context`;
  arr(common.tls_certificate_sds_secret_configs).forEach((c, i) => checkSdsConfig(c, `${base}.tls_certificate_sds_secret_configs[${i}]`, names, report));
  checkSdsConfig(common.validation_context_sds_secret_config, `${base}.validation_context_sds_secret_config`, names, report);
  checkSdsConfig(obj(common.combined_validation_context)?.validation_context_sds_secret_config, `${base}.combined_validation_context.validation_context_sds_secret_config`, names, report);
}

function checkFilterChain(fc: Obj, path: string, names: Names, report: Report): void {
  arr(fc.filters).forEach((f, i) => {
    const tc = obj(obj(f)?.typed_config);
    const fp = `${path}.filters[${i}].typed_config`;
    if (typeIs(tc, 'http_connection_manager.v3.HttpConnectionManager')) {
      const rds = obj(tc?.rds);
      const rn = str(rds?.route_config_name);
      if (rn && names.routes && !names.routes.has(rn)) report(`${fp}.rds.route_config_name`, 'ref.route_config', `route configuration "${rn}" is not in the resource set`);
      const inline = obj(tc?.route_config);
      if (inline) checkRouteConfig(inline, `${fp}.route_config.`, names, report);
    } else if (typeIs(tc, 'tcp_proxy.v3.TcpProxy')) {
      needCluster(names, tc?.cluster, `${fp}.cluster`, report);
      arr(obj(tc?.weighted_clusters)?.clusters).forEach((c, j) => needCluster(names, obj(c)?.name, `${fp}.weighted_clusters.clusters[${j}].name`, report));
    }
  });
  checkTransportSocket(fc.transport_socket, `${path}.transport_socket`, names, report);
}

function listenerAddresses(l: Obj): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  const add = (a: unknown, path: string): void => {
    const sa = obj(obj(a)?.socket_address);
    if (sa) {
      const port = sa.port_value ?? sa.named_port ?? 0;
      out.push({ key: `${String(sa.protocol ?? 'TCP')}:${String(sa.address)}:${String(port)}`, path: `${path}.socket_address` });
    }
    const pipe = obj(obj(a)?.pipe);
    if (pipe) out.push({ key: `pipe:${String(pipe.path)}`, path: `${path}.pipe` });
  };
  add(l.address, 'address');
  arr(l.additional_addresses).forEach((a, i) => add(obj(a)?.address, `additional_addresses[${i}].address`));
  return out;
}

function duplicates(kind: string, list: readonly ResourceObject[] | undefined, key: 'name' | 'cluster_name', out: Violation[]): void {
  const seen = new Set<string>();
  for (const r of list ?? []) {
    const n = str((r as Obj)[key]);
    if (n === undefined) continue;
    if (seen.has(n)) out.push({ resource: `${kind}[${n}]`, path: key, rule: 'unique.name', message: `more than one ${kind} resource is named "${n}"` });
    seen.add(n);
  }
}

/** Cross-reference violations of a proxy's resource set (see the module comment for which checks apply). */
export function referenceViolations(set: ResourceSet): Violation[] {
  const out: Violation[] = [];
  const names: Names = {
    clusters: namesOf(set.clusters, 'name'),
    routes: namesOf(set.routes, 'name'),
    endpoints: namesOf(set.endpoints, 'cluster_name'),
    secrets: namesOf(set.secrets, 'name'),
  };
  const reporterFor = (label: string): Report => (path, rule, message) => out.push({ resource: label, path, rule, message });

  duplicates('listeners', set.listeners, 'name', out);
  duplicates('clusters', set.clusters, 'name', out);
  duplicates('routes', set.routes, 'name', out);
  duplicates('endpoints', set.endpoints, 'cluster_name', out);
  duplicates('secrets', set.secrets, 'name', out);

  const bound = new Map<string, string>();
  for (const r of set.listeners ?? []) {
    const l = r as Obj;
    const label = `listeners[${str(l.name) ?? ''}]`;
    const report = reporterFor(label);
    arr(l.filter_chains).forEach((fc, i) => { const o = obj(fc); if (o) checkFilterChain(o, `filter_chains[${i}]`, names, report); });
    const dfc = obj(l.default_filter_chain);
    if (dfc) checkFilterChain(dfc, 'default_filter_chain', names, report);
    for (const { key, path } of listenerAddresses(l)) {
      const other = bound.get(key);
      if (other !== undefined) report(path, 'unique.address', `address ${key} is already bound by listener "${other}"`);
      else bound.set(key, str(l.name) ?? '');
    }
  }
  for (const r of set.clusters ?? []) {
    const c = r as Obj;
    const name = str(c.name) ?? '';
    const report = reporterFor(`clusters[${name}]`);
    if (c.type === 'EDS' || c.type === 3) {
      const service = str(obj(c.eds_cluster_config)?.service_name);
      const want = service ?? name;
      if (names.endpoints && !names.endpoints.has(want)) {
        report(service ? 'eds_cluster_config.service_name' : 'name', 'ref.endpoints', `no ClusterLoadAssignment for "${want}" is in the resource set`);
      }
    }
    checkTransportSocket(c.transport_socket, 'transport_socket', names, report);
    arr(c.transport_socket_matches).forEach((m, i) => checkTransportSocket(obj(m)?.transport_socket, `transport_socket_matches[${i}].transport_socket`, names, report));
    const ct = obj(obj(c.cluster_type)?.typed_config);
    if (typeIs(ct, 'aggregate.v3.ClusterConfig')) {
      arr(ct?.clusters).forEach((n, i) => needCluster(names, n, `cluster_type.typed_config.clusters[${i}]`, report));
    }
  }
  for (const r of set.routes ?? []) {
    const rc = r as Obj;
    checkRouteConfig(rc, '', names, reporterFor(`routes[${str(rc.name) ?? ''}]`));
  }
  return out;
}

