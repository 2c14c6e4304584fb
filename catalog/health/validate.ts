/** Validation of check definitions: one error per wrong field, each naming it (`Check.HTTP: ...`). */
import { parseDuration } from './duration.ts';
import {
  CHECK_STATUSES,
  type CheckDefinition,
  type CheckSpec,
  type CheckStatus,
  type ProbeSpec,
  type Validation,
} from './types.ts';

/** Timeout applied to HTTP, TCP and gRPC probes when the definition sets none (Consul's default). */
export const DEFAULT_TIMEOUT_MS = 10_000;

const SUPPORTED_TYPES = ['HTTP', 'TCP', 'GRPC', 'TTL'] as const;

// Fields that select a check type Consul has and Switchboard does not run; named in the error.
const UNSUPPORTED_TYPE_FIELDS: ReadonlyArray<readonly [field: string, type: string]> = [
  ['Args', 'Script'],
  ['ScriptArgs', 'Script'],
  ['Script', 'Script'],
  ['DockerContainerID', 'Docker'],
  ['H2PING', 'H2PING'],
  ['UDP', 'UDP'],
  ['OSService', 'OSService'],
  ['AliasService', 'Alias'],
  ['AliasNode', 'Alias'],
];

// snake_case (agent configuration files, some client libraries) → PascalCase (HTTP API).
const SNAKE_TO_PASCAL: Readonly<Record<string, string>> = {
  id: 'ID',
  check_id: 'CheckID',
  name: 'Name',
  service_id: 'ServiceID',
  notes: 'Notes',
  status: 'Status',
  interval: 'Interval',
  timeout: 'Timeout',
  http: 'HTTP',
  method: 'Method',
  header: 'Header',
  body: 'Body',
  tls_server_name: 'TLSServerName',
  tls_skip_verify: 'TLSSkipVerify',
  tcp: 'TCP',
  grpc: 'GRPC',
  grpc_use_tls: 'GRPCUseTLS',
  ttl: 'TTL',
  deregister_critical_service_after: 'DeregisterCriticalServiceAfter',
  success_before_passing: 'SuccessBeforePassing',
  failures_before_warning: 'FailuresBeforeWarning',
  failures_before_critical: 'FailuresBeforeCritical',
  args: 'Args',
  script: 'Script',
  docker_container_id: 'DockerContainerID',
  h2ping: 'H2PING',
  udp: 'UDP',
  os_service: 'OSService',
  alias_service: 'AliasService',
  alias_node: 'AliasNode',
  tcp_use_tls: 'TCPUseTLS',
};

/** Returns a copy of a raw definition with snake_case keys renamed to the PascalCase the rest of the module uses; PascalCase wins when both are present. */
export function normalizeCheckKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const pascal = SNAKE_TO_PASCAL[key];
    if (pascal === undefined) out[key] = value;
    else if (!(pascal in raw)) out[pascal] = value;
  }
  return out;
}

/**
 * Validates a check definition (PascalCase or snake_case keys) and returns the runnable spec.
 * Exactly one of HTTP, TCP, GRPC, TTL; Interval required for HTTP/TCP/GRPC (the runner raises
 * intervals below its minimum, 1s by default, as Consul does); Timeout defaults to 10s.
 * DeregisterCriticalServiceAfter is accepted on node checks but only acts on service checks.
 */
export function validateCheckDefinition(input: unknown): Validation<CheckSpec> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['Check: must be a JSON object'] };
  }
  const raw = normalizeCheckKeys(input as Record<string, unknown>);
  const errors: string[] = [];

  const str = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      errors.push(`Check.${field}: must be a string`);
      return undefined;
    }
    return v;
  };
  const bool = (field: string): boolean => {
    const v = raw[field];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') {
      errors.push(`Check.${field}: must be true or false`);
      return false;
    }
    return v;
  };
  const count = (field: string): number | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      errors.push(`Check.${field}: must be a non-negative integer, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  const duration = (field: string): number | undefined => {
    const v = raw[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') {
      errors.push(`Check.${field}: must be a duration string like "10s"`);
      return undefined;
    }
    try {
      const ms = parseDuration(v);
      if (ms <= 0) {
        errors.push(`Check.${field}: must be greater than zero, got ${JSON.stringify(v)}`);
        return undefined;
      }
      return ms;
    } catch (err) {
      errors.push(`Check.${field}: ${(err as Error).message}`);
      return undefined;
    }
  };

  // Identity.
  const name = str('Name');
  const checkId = str('CheckID') ?? str('ID') ?? name;
  if (checkId === undefined || checkId === '') errors.push('Check.CheckID: required (or Check.Name to derive it from)');
  const serviceId = str('ServiceID') || undefined;
  const notes = str('Notes') ?? '';
  let initialStatus: CheckStatus = 'critical';
  const status = str('Status');
  if (status !== undefined && status !== '') {
    if ((CHECK_STATUSES as readonly string[]).includes(status)) initialStatus = status as CheckStatus;
    else errors.push(`Check.Status: must be one of passing, warning, critical, got ${JSON.stringify(status)}`);
  }

  // Exactly one type.
  for (const [field, type] of UNSUPPORTED_TYPE_FIELDS) {
    const v = raw[field];
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      errors.push(`Check.${field}: unknown check type ${type}; supported types are ${SUPPORTED_TYPES.join(', ')}`);
    }
  }
  if (raw['TCPUseTLS'] === true) errors.push('Check.TCPUseTLS: TCP checks over TLS are not supported');
  const present = SUPPORTED_TYPES.filter((t) => raw[t] !== undefined && raw[t] !== null && raw[t] !== '');
  if (present.length > 1) errors.push(`Check: exactly one of HTTP, TCP, GRPC, TTL may be set, got ${present.join(' and ')}`);
  const hasUnsupported = errors.some((e) => e.includes('unknown check type'));
  if (present.length === 0 && !hasUnsupported) errors.push('Check: one of HTTP, TCP, GRPC or TTL must be set');

  const successBeforePassing = count('SuccessBeforePassing') ?? 0;
  const failuresBeforeCritical = count('FailuresBeforeCritical') ?? 0;
  // Consul: FailuresBeforeWarning defaults to FailuresBeforeCritical.
  const failuresBeforeWarning = count('FailuresBeforeWarning') ?? failuresBeforeCritical;
  const deregisterAfterMs = duration('DeregisterCriticalServiceAfter');

  let probe: ProbeSpec | undefined;
  const type = present.length === 1 ? present[0] : undefined;
  if (type === 'TTL') {
    const ttlMs = duration('TTL');
    if (ttlMs !== undefined) probe = { type: 'ttl', ttlMs };
  } else if (type !== undefined) {
    const intervalMs = duration('Interval');
    if (intervalMs === undefined && raw['Interval'] === undefined) errors.push(`Check.Interval: required for ${type} checks`);
    const timeoutMs = duration('Timeout') ?? DEFAULT_TIMEOUT_MS;
    const tlsSkipVerify = bool('TLSSkipVerify');
    const tlsServerName = str('TLSServerName') || undefined;
    if (type === 'HTTP') {
      const url = parseHttpUrl(str('HTTP'), errors);
      const method = str('Method') || 'GET';
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) errors.push(`Check.Method: ${JSON.stringify(method)} is not an HTTP method`);
      const headers = parseHeaders(raw['Header'], errors);
      const body = str('Body') || undefined;
      if (url !== undefined && intervalMs !== undefined) {
        probe = { type: 'http', url, method, headers, body, tlsSkipVerify, tlsServerName, intervalMs, timeoutMs };
      }
    } else if (type === 'TCP') {
      const hp = parseHostPort('TCP', str('TCP'), errors);
      if (hp !== undefined && intervalMs !== undefined) probe = { type: 'tcp', ...hp, intervalMs, timeoutMs };
    } else {
      const target = str('GRPC');
      const useTls = bool('GRPCUseTLS');
      if (target !== undefined) {
        // host:port[/service]; the service may itself contain slashes or dots.
        const hostEnd = target.startsWith('[') ? target.indexOf(']') : 0;
        const slash = target.indexOf('/', Math.max(hostEnd, 0));
        const address = slash === -1 ? target : target.slice(0, slash);
        const service = slash === -1 ? '' : target.slice(slash + 1);
        const hp = parseHostPort('GRPC', address, errors);
        if (hp !== undefined && intervalMs !== undefined) {
          probe = { type: 'grpc', target: address, ...hp, service, useTls, tlsSkipVerify, tlsServerName, intervalMs, timeoutMs };
        }
      }
    }
  }

  if (errors.length > 0 || probe === undefined || checkId === undefined) {
    return { ok: false, errors: errors.length > 0 ? errors : ['Check: invalid definition'] };
  }
  const spec: CheckSpec = {
    CheckID: checkId,
    Name: name || (serviceId !== undefined ? `service:${serviceId}` : checkId),
    ServiceID: serviceId,
    Notes: notes,
    initialStatus,
    probe,
    successBeforePassing,
    failuresBeforeWarning,
    failuresBeforeCritical,
    deregisterCriticalServiceAfterMs: deregisterAfterMs,
    definition: canonicalDefinition(raw, checkId, probe),
  };
  return { ok: true, value: spec };
}

/** Splits "host:port" or "[v6]:port"; pushes an error naming `field` when it is not one. */
export function parseHostPort(field: string, value: string | undefined, errors: string[]): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d+)$/.exec(value);
  if (!m) {
    errors.push(`Check.${field}: ${JSON.stringify(value)} must be host:port`);
    return undefined;
  }
  const host = (m[1] ?? m[2]) as string;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) {
    errors.push(`Check.${field}: port ${m[3]} out of range 1..65535`);
    return undefined;
  }
  return { host, port };
}

function parseHttpUrl(value: string | undefined, errors: string[]): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push(`Check.HTTP: ${JSON.stringify(value)} is not a valid URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    errors.push(`Check.HTTP: ${JSON.stringify(value)} must be an http:// or https:// URL`);
    return undefined;
  }
  return value;
}

function parseHeaders(value: unknown, errors: string[]): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push('Check.Header: must be an object of header name to list of values');
    return {};
  }
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      errors.push(`Check.Header: ${JSON.stringify(name)} is not a valid header name`);
    } else if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' && !/[\r\n]/.test(v))) {
      errors.push(`Check.Header.${name}: must be a list of single-line strings`);
    } else {
      out[name] = values as string[];
    }
  }
  return out;
}

// The definition as it should be stored and shown: PascalCase, CheckID set, Timeout filled in.
function canonicalDefinition(raw: Record<string, unknown>, checkId: string, probe: ProbeSpec): CheckDefinition {
  const def: Record<string, unknown> = { ...raw, CheckID: checkId };
  delete def['ID'];
  if (probe.type !== 'ttl' && (def['Timeout'] === undefined || def['Timeout'] === '')) def['Timeout'] = '10s';
  return def as CheckDefinition;
}
