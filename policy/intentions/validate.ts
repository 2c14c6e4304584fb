/**
 * Validation of `service-intentions` config entries and legacy intentions,
 * with Consul's rules. Returns every problem found, each naming its field
 * (`Sources[1].Permissions[0].HTTP.PathPrefix: must begin with "/"`), or the
 * normalised value: Type defaulted, Methods upper-cased, Precedence computed,
 * Sources sorted by precedence (stable), legacy fields cleared on ordinary writes.
 */
import { intentionPrecedence } from './precedence.ts';
import { asObject, optString, rejectUnknown, validatePermissions } from './validate-permissions.ts';
import {
  DEFAULT_NAMESPACE,
  WILDCARD,
  type Intention,
  type IntentionAction,
  type ServiceIntentionsEntry,
  type SourceIntention,
  type ValidationResult,
} from './types.ts';

/** Options of a validation: the destination's protocol (for L7 checks) and whether this is a legacy-API write. */
export interface IntentionValidationOptions {
  /** The destination service's protocol; L7 Permissions need http, http2 or grpc. Unchecked when absent. */
  protocol?: string;
  /** A write through `/v1/connect/intentions`: LegacyID and timestamps must be set, entry Meta must not. */
  legacy?: boolean;
}

const META_MAX_PAIRS = 64;
const META_KEY_MAX = 128;
const META_VALUE_MAX = 512;
const HTTP_PROTOCOLS = ['http', 'http2', 'grpc'];

const ENTRY_FIELDS = ['Kind', 'Name', 'Namespace', 'Partition', 'Sources', 'Meta', 'CreateIndex', 'ModifyIndex', 'Hash'];
const SOURCE_FIELDS = [
  'Name', 'Namespace', 'Partition', 'Action', 'Permissions', 'Precedence', 'Type', 'Description',
  'LegacyID', 'LegacyMeta', 'LegacyCreateTime', 'LegacyUpdateTime',
];

/** Checks the wildcard rules of a namespace/name pair: `*` only whole, never an exact name in a wildcard namespace. */
function checkWildcards(namespace: string, name: string, path: string, nameField: string, nsField: string, errors: string[]): void {
  if (namespace !== WILDCARD && namespace.includes(WILDCARD)) {
    errors.push(`${path}${nsField}: the wildcard "*" may only be used as the whole value`);
  }
  if (name !== WILDCARD) {
    if (name.includes(WILDCARD)) errors.push(`${path}${nameField}: the wildcard "*" may only be used as the whole value`);
    else if (namespace === WILDCARD) errors.push(`${path}${nameField}: an exact name cannot follow a wildcard namespace`);
  }
}

function checkPartition(obj: Record<string, unknown>, path: string, errors: string[]): void {
  const p = optString(obj, 'Partition', path, errors);
  if (p && p !== 'default') errors.push(`${path}.Partition: admin partitions are not supported (only "default")`);
}

/** Validates a string map against Consul's metadata limits. */
function validateMeta(raw: unknown, path: string, errors: string[]): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const meta = asObject(raw);
  if (!meta) {
    errors.push(`${path}: must be an object of strings`);
    return undefined;
  }
  const keys = Object.keys(meta);
  if (keys.length > META_MAX_PAIRS) errors.push(`${path}: at most ${META_MAX_PAIRS} keys are allowed (found ${keys.length})`);
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = meta[k];
    if (k === '') errors.push(`${path}: keys must not be empty`);
    if (k.length > META_KEY_MAX) errors.push(`${path}[${JSON.stringify(k)}]: key longer than ${META_KEY_MAX} characters`);
    if (typeof v !== 'string') errors.push(`${path}[${JSON.stringify(k)}]: value must be a string`);
    else if (v.length > META_VALUE_MAX) errors.push(`${path}[${JSON.stringify(k)}]: value longer than ${META_VALUE_MAX} characters`);
    else out[k] = v;
  }
  return out;
}

function validateDescription(obj: Record<string, unknown>, path: string, errors: string[]): string | undefined {
  const d = optString(obj, 'Description', path, errors);
  if (d && d.length > META_VALUE_MAX) errors.push(`${path}.Description: longer than ${META_VALUE_MAX} characters`);
  return d || undefined;
}

function requireAction(v: unknown, field: string, errors: string[]): IntentionAction | undefined {
  if (v === 'allow' || v === 'deny') return v;
  errors.push(`${field}: must be "allow" or "deny"`);
  return undefined;
}

function permissionsNeedHttp(protocol: string | undefined, destination: string, path: string, errors: string[]): void {
  if (protocol !== undefined && !HTTP_PROTOCOLS.includes(protocol)) {
    errors.push(
      `${path}: L7 permissions need an HTTP-based protocol (http, http2 or grpc); destination ${JSON.stringify(destination)} has protocol ${JSON.stringify(protocol)}`,
    );
  }
}

function validateSource(
  raw: unknown,
  i: number,
  ctx: { destNS: string; destName: string; destWild: boolean; opts: IntentionValidationOptions },
  errors: string[],
): SourceIntention | undefined {
  const path = `Sources[${i}]`;
  const src = asObject(raw);
  if (!src) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  rejectUnknown(src, SOURCE_FIELDS, path, errors);
  const name = optString(src, 'Name', path, errors);
  if (!name) errors.push(`${path}.Name: is required`);
  const nsGiven = optString(src, 'Namespace', path, errors);
  // Like Consul, a source without a namespace inherits its destination's unless that is a wildcard.
  const namespace = nsGiven || (ctx.destNS === WILDCARD ? DEFAULT_NAMESPACE : ctx.destNS);
  if (name) checkWildcards(namespace, name, path, '.Name', '.Namespace', errors);
  checkPartition(src, path, errors);
  const description = validateDescription(src, path, errors);

  const type = src['Type'] ?? 'consul';
  if (type !== 'consul' && type !== '') errors.push(`${path}.Type: must be "consul"`);

  const out: SourceIntention = { Name: name ?? '', Precedence: 0, Type: 'consul' };
  if (namespace !== DEFAULT_NAMESPACE) out.Namespace = namespace;
  if (description) out.Description = description;

  const legacyMeta = validateMeta(src['LegacyMeta'], `${path}.LegacyMeta`, errors);
  const legacyID = optString(src, 'LegacyID', path, errors);
  const created = optString(src, 'LegacyCreateTime', path, errors);
  const updated = optString(src, 'LegacyUpdateTime', path, errors);
  if (ctx.opts.legacy) {
    if (!legacyID) errors.push(`${path}.LegacyID: must be set for a legacy intention write`);
    if (!created) errors.push(`${path}.LegacyCreateTime: must be set for a legacy intention write`);
    if (!updated) errors.push(`${path}.LegacyUpdateTime: must be set for a legacy intention write`);
    if (legacyID) out.LegacyID = legacyID;
    out.LegacyMeta = legacyMeta ?? {};
    if (created) out.LegacyCreateTime = created;
    if (updated) out.LegacyUpdateTime = updated;
  } else if (legacyMeta && Object.keys(legacyMeta).length > 0) {
    // Consul drops LegacyID and the timestamps on ordinary writes but refuses LegacyMeta, to avoid silent data loss.
    errors.push(`${path}.LegacyMeta: must be omitted (it belongs to intentions written through /v1/connect/intentions)`);
  }

  const hasPerms = src['Permissions'] !== undefined && src['Permissions'] !== null && !(Array.isArray(src['Permissions']) && src['Permissions'].length === 0);
  const action = src['Action'];
  if (hasPerms) {
    if (action !== undefined && action !== null && action !== '') errors.push(`${path}.Action: must be omitted when Permissions are given`);
    if (ctx.destWild) errors.push(`${path}.Permissions: cannot be used on an intention whose destination is a wildcard`);
    permissionsNeedHttp(ctx.opts.protocol, ctx.destName, `${path}.Permissions`, errors);
    const perms = validatePermissions(src['Permissions'], `${path}.Permissions`, errors);
    if (perms.length > 0) out.Permissions = perms;
  } else {
    const a = requireAction(action, `${path}.Action`, errors);
    if (a) out.Action = a;
  }
  out.Precedence = intentionPrecedence({ namespace, name: out.Name }, { namespace: ctx.destNS, name: ctx.destName });
  return out;
}

/**
 * Validates a `service-intentions` entry (any JSON value) and returns it
 * normalised, or every error found. `protocol` is the destination's protocol.
 */
export function validateServiceIntentions(input: unknown, opts: IntentionValidationOptions = {}): ValidationResult<ServiceIntentionsEntry> {
  const errors: string[] = [];
  const entry = asObject(input);
  if (!entry) return { ok: false, errors: ['service-intentions entry: must be a JSON object'] };
  rejectUnknown(entry, ENTRY_FIELDS, '', errors);
  const kind = entry['Kind'];
  if (kind !== undefined && kind !== 'service-intentions') errors.push(`Kind: must be "service-intentions"`);
  const name = optString(entry, 'Name', '', errors);
  if (!name) errors.push('Name: is required');
  const destNS = optString(entry, 'Namespace', '', errors) || DEFAULT_NAMESPACE;
  if (name) checkWildcards(destNS, name, '', 'Name', 'Namespace', errors);
  checkPartition(entry, '', errors);
  const meta = validateMeta(entry['Meta'], 'Meta', errors);
  if (opts.legacy && meta && Object.keys(meta).length > 0) errors.push('Meta: must be omitted for a legacy intention write');

  const rawSources = entry['Sources'];
  const sources: SourceIntention[] = [];
  if (!Array.isArray(rawSources) || rawSources.length === 0) errors.push('Sources: at least one source is required');
  else {
    const ctx = { destNS, destName: name ?? '', destWild: destNS === WILDCARD || name === WILDCARD, opts };
    const seen = new Map<string, number>();
    rawSources.forEach((raw, i) => {
      const src = validateSource(raw, i, ctx, errors);
      if (!src) return;
      const key = `${src.Namespace ?? DEFAULT_NAMESPACE}/${src.Name}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push(`Sources[${i}]: source ${JSON.stringify(key)} is already defined by Sources[${first}]`);
      else seen.set(key, i);
      sources.push(src);
    });
  }
  if (errors.length > 0) return { ok: false, errors: errors.map((e) => e.replace(/^\./, '')) };

  const value: ServiceIntentionsEntry = {
    Kind: 'service-intentions',
    Name: name ?? '',
    // Stable sort: equal precedences keep their written order, as Consul's does.
    Sources: sources.map((s, i) => [s, i] as const).sort((a, b) => b[0].Precedence - a[0].Precedence || a[1] - b[1]).map(([s]) => s),
  };
  if (destNS !== DEFAULT_NAMESPACE) value.Namespace = destNS;
  if (meta && Object.keys(meta).length > 0) value.Meta = meta;
  for (const k of ['CreateIndex', 'ModifyIndex'] as const) {
    if (typeof entry[k] === 'number') value[k] = entry[k];
  }
  return { ok: true, value };
}

const LEGACY_FIELDS = [
  'ID', 'Description', 'SourceNS', 'SourceName', 'DestinationNS', 'DestinationName', 'SourcePartition', 'DestinationPartition',
  'SourceType', 'Action', 'Permissions', 'Precedence', 'Meta', 'CreatedAt', 'UpdatedAt', 'CreateIndex', 'ModifyIndex', 'Hash',
];

/**
 * Validates a legacy intention object (`POST /v1/connect/intentions`) and
 * returns it normalised (namespaces defaulted, Precedence computed). The ID
 * and timestamps are the server's to assign and are kept as given.
 */
export function validateLegacyIntention(input: unknown, opts: Pick<IntentionValidationOptions, 'protocol'> = {}): ValidationResult<Intention> {
  const errors: string[] = [];
  const ixn = asObject(input);
  if (!ixn) return { ok: false, errors: ['intention: must be a JSON object'] };
  rejectUnknown(ixn, LEGACY_FIELDS, '', errors);
  const get = (k: string): string | undefined => optString(ixn, k, '', errors);
  const sourceName = get('SourceName');
  const destName = get('DestinationName');
  const sourceNS = get('SourceNS') || DEFAULT_NAMESPACE;
  const destNS = get('DestinationNS') || DEFAULT_NAMESPACE;
  if (!sourceName) errors.push('SourceName: is required');
  if (!destName) errors.push('DestinationName: is required');
  if (sourceName) checkWildcards(sourceNS, sourceName, '', 'SourceName', 'SourceNS', errors);
  if (destName) checkWildcards(destNS, destName, '', 'DestinationName', 'DestinationNS', errors);
  for (const k of ['SourcePartition', 'DestinationPartition']) {
    const p = get(k);
    if (p && p !== 'default') errors.push(`${k}: admin partitions are not supported (only "default")`);
  }
  const type = ixn['SourceType'] ?? 'consul';
  if (type !== 'consul' && type !== '') errors.push('SourceType: must be "consul"');
  const description = validateDescription(ixn, '', errors);
  const meta = validateMeta(ixn['Meta'], 'Meta', errors) ?? {};

  const hasPerms = Array.isArray(ixn['Permissions']) && ixn['Permissions'].length > 0;
  let action: IntentionAction | '' = '';
  let permissions: Intention['Permissions'];
  if (hasPerms) {
    if (ixn['Action']) errors.push('Action: must be omitted when Permissions are given');
    if (destNS === WILDCARD || destName === WILDCARD) errors.push('Permissions: cannot be used on an intention whose destination is a wildcard');
    permissionsNeedHttp(opts.protocol, destName ?? '', 'Permissions', errors);
    permissions = validatePermissions(ixn['Permissions'], 'Permissions', errors);
  } else {
    action = requireAction(ixn['Action'], 'Action', errors) ?? '';
  }
  if (errors.length > 0) return { ok: false, errors: errors.map((e) => e.replace(/^\./, '')) };

  const value: Intention = {
    ID: typeof ixn['ID'] === 'string' ? ixn['ID'] : '',
    Description: description ?? '',
    SourceNS: sourceNS,
    SourceName: sourceName ?? '',
    DestinationNS: destNS,
    DestinationName: destName ?? '',
    SourceType: 'consul',
    Action: action,
    Precedence: intentionPrecedence({ namespace: sourceNS, name: sourceName ?? '' }, { namespace: destNS, name: destName ?? '' }),
    Meta: meta,
    CreateIndex: typeof ixn['CreateIndex'] === 'number' ? ixn['CreateIndex'] : 0,
    ModifyIndex: typeof ixn['ModifyIndex'] === 'number' ? ixn['ModifyIndex'] : 0,
  };
  if (permissions && permissions.length > 0) value.Permissions = permissions;
  if (typeof ixn['CreatedAt'] === 'string') value.CreatedAt = ixn['CreatedAt'];
  if (typeof ixn['UpdatedAt'] === 'string') value.UpdatedAt = ixn['UpdatedAt'];
  return { ok: true, value };
}
