/** service-defaults: per-service protocol, mesh gateway, external SNI and upstream settings. */
import { readExpose, readMeshGateway, readTransparentProxy } from './common-fields.ts';
import { child, compact, type EntryReader, type JsonObject } from './reader.ts';
import { SERVICE_PROTOCOLS, type ServiceDefaultsEntry, type UpstreamConfigValues, type UpstreamConfiguration } from './types.ts';

export const SERVICE_DEFAULTS_FIELDS = [
  'Protocol',
  'Mode',
  'TransparentProxy',
  'MeshGateway',
  'Expose',
  'ExternalSNI',
  'UpstreamConfig',
  'MaxInboundConnections',
  'LocalConnectTimeoutMs',
  'LocalRequestTimeoutMs',
  'BalanceInboundConnections',
] as const;

const UPSTREAM_VALUE_FIELDS = ['ConnectTimeoutMs', 'Protocol', 'Limits', 'PassiveHealthCheck', 'MeshGateway', 'BalanceOutboundConnections'] as const;

function readUpstreamValues(r: EntryReader, s: JsonObject, p: string): UpstreamConfigValues {
  let limits;
  if (s['Limits'] !== undefined) {
    const lp = child(p, 'Limits');
    const l = r.struct(s['Limits'], lp, ['MaxConnections', 'MaxPendingRequests', 'MaxConcurrentRequests']);
    if (l) {
      limits = compact({
        MaxConnections: r.number(l, 'MaxConnections', lp, { integer: true, min: 0 }),
        MaxPendingRequests: r.number(l, 'MaxPendingRequests', lp, { integer: true, min: 0 }),
        MaxConcurrentRequests: r.number(l, 'MaxConcurrentRequests', lp, { integer: true, min: 0 }),
      });
    }
  }
  let passive;
  if (s['PassiveHealthCheck'] !== undefined) {
    const hp = child(p, 'PassiveHealthCheck');
    const h = r.struct(s['PassiveHealthCheck'], hp, ['Interval', 'MaxFailures', 'EnforcingConsecutive5xx']);
    if (h) {
      passive = compact({
        Interval: r.duration(h, 'Interval', hp),
        MaxFailures: r.number(h, 'MaxFailures', hp, { integer: true, min: 0 }),
        EnforcingConsecutive5xx: r.number(h, 'EnforcingConsecutive5xx', hp, { integer: true, min: 0, max: 100 }),
      });
    }
  }
  return compact({
    ConnectTimeoutMs: r.number(s, 'ConnectTimeoutMs', p, { integer: true, min: 0 }),
    Protocol: r.oneOf(s, 'Protocol', p, SERVICE_PROTOCOLS, { lowerCase: true }),
    Limits: limits,
    PassiveHealthCheck: passive,
    MeshGateway: readMeshGateway(r, s, 'MeshGateway', p),
    BalanceOutboundConnections: r.oneOf(s, 'BalanceOutboundConnections', p, ['', 'exact_balance'] as const),
  });
}

function readUpstreamConfig(r: EntryReader, obj: JsonObject): UpstreamConfiguration | undefined {
  if (obj['UpstreamConfig'] === undefined) return undefined;
  const s = r.struct(obj['UpstreamConfig'], 'UpstreamConfig', ['Defaults', 'Overrides']);
  if (!s) return undefined;
  let defaults;
  if (s['Defaults'] !== undefined) {
    const d = r.struct(s['Defaults'], 'UpstreamConfig.Defaults', UPSTREAM_VALUE_FIELDS);
    if (d) defaults = readUpstreamValues(r, d, 'UpstreamConfig.Defaults');
  }
  const overrides = r.array(s, 'Overrides', 'UpstreamConfig', (item, p) => {
    const o = r.struct(item, p, ['Name', 'Namespace', ...UPSTREAM_VALUE_FIELDS]);
    if (!o) return undefined;
    const name = r.string(o, 'Name', p, { required: true });
    const namespace = r.string(o, 'Namespace', p);
    if (name === undefined) return undefined;
    return compact({ Name: name, Namespace: namespace, ...readUpstreamValues(r, o, p) });
  });
  return compact({ Defaults: defaults, Overrides: overrides });
}

/** Reads the kind-specific fields of a service-defaults entry. */
export function readServiceDefaults(r: EntryReader, obj: JsonObject): Omit<ServiceDefaultsEntry, 'Kind' | 'Name'> {
  return compact({
    Protocol: r.oneOf(obj, 'Protocol', '', SERVICE_PROTOCOLS, { lowerCase: true }),
    Mode: r.oneOf(obj, 'Mode', '', ['', 'direct', 'transparent'] as const, { lowerCase: true }),
    TransparentProxy: readTransparentProxy(r, obj, 'TransparentProxy', ''),
    MeshGateway: readMeshGateway(r, obj, 'MeshGateway', ''),
    Expose: readExpose(r, obj, 'Expose', ''),
    ExternalSNI: r.string(obj, 'ExternalSNI', ''),
    UpstreamConfig: readUpstreamConfig(r, obj),
    MaxInboundConnections: r.number(obj, 'MaxInboundConnections', '', { integer: true, min: 0 }),
    LocalConnectTimeoutMs: r.number(obj, 'LocalConnectTimeoutMs', '', { integer: true, min: 0 }),
    LocalRequestTimeoutMs: r.number(obj, 'LocalRequestTimeoutMs', '', { integer: true, min: 0 }),
    BalanceInboundConnections: r.oneOf(obj, 'BalanceInboundConnections', '', ['', 'exact_balance'] as const),
  });
}
