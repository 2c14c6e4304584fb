/** Per-entry validation of a config entry written through the API, CLI or `switchboard validate`. */
import { PROXY_DEFAULTS_FIELDS, readProxyDefaults } from './proxy-defaults.ts';
import { EntryReader, isObject, compact } from './reader.ts';
import { SERVICE_DEFAULTS_FIELDS, readServiceDefaults } from './service-defaults.ts';
import { SERVICE_RESOLVER_FIELDS, readServiceResolver } from './service-resolver.ts';
import { SERVICE_ROUTER_FIELDS, readServiceRouter } from './service-router.ts';
import { SERVICE_SPLITTER_FIELDS, readServiceSplitter } from './service-splitter.ts';
import { CONFIG_ENTRY_KINDS, type ConfigEntry, type ConfigEntryKind, type Validation } from './types.ts';

const COMMON_FIELDS = ['Kind', 'Name', 'Namespace', 'Partition', 'Meta'] as const;
// Fields the store adds on read; a client that round-trips an entry sends them back.
const STORE_FIELDS = ['CreateIndex', 'ModifyIndex', 'Hash'] as const;

const KIND_FIELDS: Record<ConfigEntryKind, readonly string[]> = {
  'proxy-defaults': PROXY_DEFAULTS_FIELDS,
  'service-defaults': SERVICE_DEFAULTS_FIELDS,
  'service-router': SERVICE_ROUTER_FIELDS,
  'service-splitter': SERVICE_SPLITTER_FIELDS,
  'service-resolver': SERVICE_RESOLVER_FIELDS,
};

// Names become parts of SNI, cluster names and URLs.
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Describes an entry for messages: `service-router "web"`. */
export function entryLabel(kind: string, name: string): string {
  return `${kind} ${JSON.stringify(name)}`;
}

/**
 * Validates one config entry on its own (types, required and unknown fields, regexes, durations,
 * weights, subset names, filter expressions) and returns it normalised. Cross-entry rules (protocol,
 * subsets of other services, loops) are checked by `validateConfigEntrySet` in policy/chain.
 */
export function validateConfigEntry(input: unknown): Validation<ConfigEntry> {
  if (!isObject(input)) return { ok: false, errors: ['config entry: must be a JSON object with Kind and Name'] };
  const rawKind = input['Kind'] ?? input['kind'];
  const rawName = input['Name'] ?? input['name'];
  if (typeof rawKind !== 'string' || rawKind === '') {
    return { ok: false, errors: [`config entry: Kind is required; use one of ${CONFIG_ENTRY_KINDS.join(', ')}`] };
  }
  const kind = rawKind.toLowerCase();
  if (!(CONFIG_ENTRY_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, errors: [`config entry: Kind ${JSON.stringify(rawKind)} is not supported; use one of ${CONFIG_ENTRY_KINDS.join(', ')}`] };
  }
  const k = kind as ConfigEntryKind;
  if (typeof rawName !== 'string' || rawName === '') return { ok: false, errors: [`${k}: Name is required`] };
  const r = new EntryReader(entryLabel(k, rawName));
  if (!ENTRY_NAME.test(rawName)) r.error('Name', 'may hold only letters, digits, ".", "_" and "-", starting with a letter or digit');

  const obj = r.struct(input, '', [...COMMON_FIELDS, ...STORE_FIELDS, ...KIND_FIELDS[k]]);
  if (!obj) return { ok: false, errors: r.errors };
  const namespace = r.string(obj, 'Namespace', '');
  const partition = r.string(obj, 'Partition', '');
  if (partition !== undefined && partition !== '' && partition !== 'default') {
    r.error('Partition', `${JSON.stringify(partition)}: only the "default" partition exists`);
  }
  const common = compact({
    Name: rawName,
    Namespace: namespace || undefined,
    Meta: r.stringMap(obj, 'Meta', ''),
  });

  let entry: ConfigEntry;
  switch (k) {
    case 'proxy-defaults':
      entry = { Kind: k, ...common, ...readProxyDefaults(r, obj, rawName) };
      break;
    case 'service-defaults':
      entry = { Kind: k, ...common, ...readServiceDefaults(r, obj) };
      break;
    case 'service-router':
      entry = { Kind: k, ...common, ...readServiceRouter(r, obj) };
      break;
    case 'service-splitter':
      entry = { Kind: k, ...common, ...readServiceSplitter(r, obj, rawName) };
      break;
    case 'service-resolver':
      entry = { Kind: k, ...common, ...readServiceResolver(r, obj, rawName) };
      break;
    default:
      return assertNever(k);
  }
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value: entry };
}

function assertNever(x: never): never {
  throw new Error(`unexpected config entry kind ${String(x)}`);
}
