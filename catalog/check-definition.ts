/**
 * Turns an agent check definition (as registered over the API) into a stored
 * check: works out its type, validates its durations, and keeps the parts the
 * health-check runner needs in `Definition`.
 */
import { tryParseDuration as parseDuration } from './durations.ts';
import type { CheckDefinition, CheckInput, HealthStatus } from './types.ts';

/** A check as the agent API accepts it. */
export interface AgentCheckDefinition extends CheckDefinition {
  CheckID?: string;
  ID?: string;
  Name?: string;
  Notes?: string;
  Status?: HealthStatus;
  ServiceID?: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false, errors: string[] };

const DURATION_FIELDS = ['Interval', 'Timeout', 'TTL', 'DeregisterCriticalServiceAfter'] as const;

/** The runner-facing type of a definition, or undefined when it names no way to check. */
export function checkType(def: CheckDefinition): string | undefined {
  if (def.TTL) return 'ttl';
  if (def.HTTP) return 'http';
  if (def.TCP) return 'tcp';
  if (def.GRPC) return 'grpc';
  if (def.AliasService || def.AliasNode) return 'alias';
  return undefined;
}

/**
 * Validates `def` and builds the check to store. `field` prefixes error
 * messages (e.g. `Checks[1]`); `defaults` supply the ID and name Consul
 * derives when the definition leaves them out.
 */
export function buildCheck(
  def: AgentCheckDefinition,
  ctx: { node: string; field: string; serviceId?: string; serviceName?: string; defaultId?: string; defaultName?: string },
): Validated<CheckInput> {
  const errors: string[] = [];
  const type = checkType(def);
  if (!type) errors.push(`${ctx.field}: one of TTL, HTTP, TCP, GRPC or AliasService must be set`);
  if ((type === 'http' || type === 'tcp' || type === 'grpc') && !def.Interval) {
    errors.push(`${ctx.field}.Interval: required for ${type.toUpperCase()} checks`);
  }
  for (const f of DURATION_FIELDS) {
    const v = def[f];
    if (v !== undefined && (parseDuration(v) === undefined || parseDuration(v)! < 0)) {
      errors.push(`${ctx.field}.${f}: "${v}" is not a duration (e.g. "10s", "1m")`);
    }
  }
  if (def.HTTP !== undefined && !/^https?:\/\//.test(def.HTTP)) errors.push(`${ctx.field}.HTTP: "${def.HTTP}" is not an http(s) URL`);
  if (def.TCP !== undefined && !/^.+:\d+$/.test(def.TCP)) errors.push(`${ctx.field}.TCP: "${def.TCP}" is not host:port`);
  const id = def.CheckID || def.ID || ctx.defaultId;
  if (!id) errors.push(`${ctx.field}.CheckID: required`);
  const name = def.Name || ctx.defaultName;
  if (!name) errors.push(`${ctx.field}.Name: required`);
  const serviceId = ctx.serviceId ?? def.ServiceID ?? '';
  if (errors.length > 0) return { ok: false, errors };
  const definition: CheckDefinition = {};
  for (const k of [
    'Interval', 'Timeout', 'TTL', 'HTTP', 'Method', 'Header', 'Body', 'TLSSkipVerify', 'TCP', 'GRPC', 'GRPCUseTLS',
    'AliasService', 'AliasNode', 'DeregisterCriticalServiceAfter', 'TLSServerName',
    'SuccessBeforePassing', 'FailuresBeforeWarning', 'FailuresBeforeCritical',
  ] as const) {
    if (def[k] !== undefined) (definition as Record<string, unknown>)[k] = def[k];
  }
  return {
    ok: true,
    value: {
      Node: ctx.node,
      CheckID: id!,
      Name: name!,
      // Consul starts a check critical until it first reports, unless told otherwise.
      Status: def.Status ?? 'critical',
      Notes: def.Notes ?? '',
      Output: '',
      ServiceID: serviceId,
      ServiceName: ctx.serviceName ?? '',
      ServiceTags: [],
      Type: type!,
      Definition: definition,
    },
  };
}
