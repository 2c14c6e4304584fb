/**
 * Cross-entry validation: checks a whole set of config entries, as it would be after a write or
 * delete, for problems Consul only finds when a chain is compiled (or not at all): routers and
 * splitters on TCP services, subsets a resolver does not define, redirect and splitter loops,
 * protocol mismatches along a chain. Rejecting them at the edge keeps them from reaching a proxy.
 */
import {
  ConfigEntrySet,
  L7_PROTOCOLS,
  entryKey,
  entryLabel,
  validateConfigEntry,
  type ConfigEntry,
  type ConfigEntryKind,
  type Validation,
} from '../config-entries/index.ts';
import { compileDiscoveryChain } from './compile.ts';

export interface SetValidationOptions {
  /** Datacenter the chains are compiled in for the check; defaults to "dc1". */
  datacenter?: string;
}

/** Problems in a set of already valid entries (each message names the entry and field); empty when consistent. */
export function crossEntryErrors(entries: readonly ConfigEntry[] | ConfigEntrySet, opts: SetValidationOptions = {}): string[] {
  const set = entries instanceof ConfigEntrySet ? entries : new ConfigEntrySet(entries);
  const errors: string[] = [];
  const add = (msg: string): void => {
    if (!errors.includes(msg)) errors.push(msg);
  };
  for (const e of set.all()) {
    if (e.Kind !== 'service-router' && e.Kind !== 'service-splitter') continue;
    const protocol = set.protocolOf(e.Name, e.Namespace);
    if (!L7_PROTOCOLS.includes(protocol)) {
      const what = e.Kind === 'service-router' ? 'routers' : 'splitters';
      add(
        `${entryLabel(e.Kind, e.Name)}: service ${JSON.stringify(e.Name)} uses protocol ${JSON.stringify(protocol)}, but ${what} need http, http2 or grpc; ` +
          `set Protocol in ${entryLabel('service-defaults', e.Name)} (or Config.protocol in proxy-defaults "global")`,
      );
    }
  }
  // Compiling every chain an entry shapes finds missing subsets, loops and protocol mismatches
  // with exactly the compiler's semantics.
  const datacenter = opts.datacenter ?? 'dc1';
  const services = new Set<string>();
  for (const e of set.all()) {
    if (e.Kind === 'service-router' || e.Kind === 'service-splitter' || e.Kind === 'service-resolver') services.add(`${e.Namespace ?? ''}\u0000${e.Name}`);
  }
  for (const key of [...services].sort()) {
    const [namespace, service] = key.split('\u0000') as [string, string];
    const result = compileDiscoveryChain({ service, namespace, datacenter, entries: set });
    if (!result.ok) result.errors.forEach(add);
  }
  return errors;
}

/** Validates every entry and then the set as a whole; returns the normalised entries. */
export function validateConfigEntrySet(inputs: readonly unknown[], opts: SetValidationOptions = {}): Validation<ConfigEntry[]> {
  const errors: string[] = [];
  const valid: ConfigEntry[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const r = validateConfigEntry(input);
    if (!r.ok) {
      errors.push(...r.errors);
      continue;
    }
    const key = entryKey(r.value.Kind, r.value.Name, r.value.Namespace);
    if (seen.has(key)) errors.push(`${entryLabel(r.value.Kind, r.value.Name)}: defined more than once; keep one`);
    seen.add(key);
    valid.push(r.value);
  }
  // Cross checks on a set with broken entries would mostly report echoes of those.
  if (errors.length > 0) return { ok: false, errors };
  const cross = crossEntryErrors(valid, opts);
  return cross.length > 0 ? { ok: false, errors: cross } : { ok: true, value: valid };
}

/**
 * Validates a write of one entry against the stored ones: the entry on its own, then the set with
 * it in place. Only problems the write introduces are reported, so an inconsistency already
 * stored does not block unrelated writes.
 */
export function validateConfigEntryWrite(input: unknown, existing: readonly ConfigEntry[], opts: SetValidationOptions = {}): Validation<ConfigEntry> {
  const r = validateConfigEntry(input);
  if (!r.ok) return r;
  const before = new Set(crossEntryErrors(existing, opts));
  const after = crossEntryErrors([...existing, r.value], opts).filter((e) => !before.has(e));
  return after.length > 0 ? { ok: false, errors: after } : r;
}

/** Checks that deleting an entry leaves the rest consistent (e.g. no splitter still needs a resolver's subset). */
export function validateConfigEntryDelete(
  kind: ConfigEntryKind,
  name: string,
  namespace: string | undefined,
  existing: readonly ConfigEntry[],
  opts: SetValidationOptions = {},
): Validation<null> {
  const key = entryKey(kind, name, namespace);
  const before = new Set(crossEntryErrors(existing, opts));
  const remaining = existing.filter((e) => entryKey(e.Kind, e.Name, e.Namespace) !== key);
  const after = crossEntryErrors(remaining, opts).filter((e) => !before.has(e));
  return after.length > 0 ? { ok: false, errors: after.map((e) => `deleting ${entryLabel(kind, name)} would break: ${e}`) } : { ok: true, value: null };
}
