/**
 * The config entries in the store as the config, intentions and
 * discovery-chain routes see them: typed reads, the entry set chains compile
 * from, intentions in their legacy view, the cross-check between protocols
 * and L7 intentions, and the one lane every config write goes through.
 */
import type { CatalogOp, CatalogStore, ConfigEntryRecord } from '../catalog/index.ts';
import {
  CONFIG_ENTRY_KINDS,
  ConfigEntrySet,
  L7_PROTOCOLS,
  entryLabel,
  intentionsFromEntries,
  type ConfigEntry,
  type ConfigEntryKind,
  type Intention,
  type ServiceIntentionsEntry,
  type ServiceProtocol,
} from '../policy/index.ts';
import { badRequest } from './errors.ts';

export const INTENTIONS_KIND = 'service-intentions';
/** Every kind `/v1/config` serves. */
export const API_CONFIG_KINDS: readonly string[] = [...CONFIG_ENTRY_KINDS, INTENTIONS_KIND];

/** What the config, intentions and discovery-chain routes need from the server. */
export interface ConfigApiDeps {
  store: CatalogStore;
  datacenter: string;
  /** The CA's trust domain, once known; authorize refuses other trust domains then. */
  trustDomain: () => string | undefined;
  /** What `/check` and authorize answer when no intention applies. */
  defaultIntentionAllow: boolean;
  /** Clock for legacy intention timestamps. */
  now: () => Date;
  /** New legacy intention IDs. */
  newId: () => string;
}

/** A stored service-intentions entry with the indices of its record. */
export interface StoredIntentions {
  entry: ServiceIntentionsEntry;
  createIndex: number;
  modifyIndex: number;
}

/** Checks a kind named in a URL; a 400 listing the kinds otherwise. */
export function requireKind(kind: string): string {
  const k = kind.toLowerCase();
  if (!API_CONFIG_KINDS.includes(k)) throw badRequest(`Invalid config entry kind "${kind}": use one of ${API_CONFIG_KINDS.join(', ')}`);
  return k;
}

/** The store keeps one entry per kind and name, so only the default namespace exists. */
export function requireDefaultNamespace(namespace: string | undefined, label: string): void {
  if (namespace && namespace !== 'default') {
    throw badRequest(`${label}: Namespace ${JSON.stringify(namespace)} is not supported; only the "default" namespace exists (leave Namespace out)`);
  }
}

/** The record as the API answers it: the stored body with CreateIndex and ModifyIndex. */
export function entryJson(rec: ConfigEntryRecord): Record<string, unknown> {
  return { ...rec.Body, CreateIndex: rec.CreateIndex, ModifyIndex: rec.ModifyIndex };
}

/** The body to store: exactly the validated value, without indices a client may have sent back. */
export function storedBody(entry: object): Record<string, unknown> {
  const { CreateIndex: _c, ModifyIndex: _m, ...body } = entry as Record<string, unknown>;
  return body;
}

/** A set-entry op for a service-intentions entry, guarded by the ModifyIndex it was read at (0: must not exist). */
export function setIntentionsOp(entry: ServiceIntentionsEntry, readAt: number): CatalogOp {
  return { op: 'setConfigEntry', kind: INTENTIONS_KIND, name: entry.Name, body: storedBody(entry), casIndex: readAt };
}

/** Store-backed reads of config entries, and the write lane. */
export class ConfigEntries {
  private lane: Promise<unknown> = Promise.resolve();

  constructor(readonly store: CatalogStore) {}

  /** The entries discovery chains are compiled from (everything but intentions). */
  chainEntries(): ConfigEntry[] {
    return this.store
      .listConfigEntries()
      .filter((r) => (CONFIG_ENTRY_KINDS as readonly string[]).includes(r.Kind))
      .map((r) => r.Body as unknown as ConfigEntry);
  }

  entrySet(): ConfigEntrySet {
    return new ConfigEntrySet(this.chainEntries());
  }

  protocolOf(service: string): ServiceProtocol {
    return this.entrySet().protocolOf(service);
  }

  intentionsOf(destination: string): StoredIntentions | undefined {
    const rec = this.store.getConfigEntry(INTENTIONS_KIND, destination);
    return rec && stored(rec);
  }

  allIntentionEntries(): StoredIntentions[] {
    return this.store.listConfigEntries(INTENTIONS_KIND).map(stored);
  }

  /** Every intention in its legacy shape, in evaluation order, with its entry's indices. */
  allIntentions(): Intention[] {
    return intentionsFromEntries(this.allIntentionEntries().map(withIndices));
  }

  /**
   * Runs config writes one at a time, so that the state a write is validated
   * against is the state it lands on (cross-entry rules read other entries
   * that a compare-and-swap on the written entry alone would not guard).
   */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }
}

function stored(rec: ConfigEntryRecord): StoredIntentions {
  return { entry: rec.Body as unknown as ServiceIntentionsEntry, createIndex: rec.CreateIndex, modifyIndex: rec.ModifyIndex };
}

/** The entry with its record's indices, as the legacy view reports them. */
export function withIndices(s: StoredIntentions): ServiceIntentionsEntry {
  return { ...s.entry, CreateIndex: s.createIndex, ModifyIndex: s.modifyIndex };
}

/**
 * Problems a protocol change would cause to stored L7 intentions: an entry
 * whose sources have Permissions needs its destination to stay on an HTTP
 * protocol. Only entries that were fine before are reported.
 */
export function intentionProtocolErrors(
  change: { kind: ConfigEntryKind; name: string; deleting: boolean },
  before: ConfigEntrySet,
  after: ConfigEntrySet,
  intentions: readonly StoredIntentions[],
): string[] {
  const errors: string[] = [];
  const verb = change.deleting ? 'deleting' : 'writing';
  for (const { entry } of intentions) {
    const l7 = entry.Sources.findIndex((s) => (s.Permissions?.length ?? 0) > 0);
    if (l7 === -1) continue;
    const was = before.protocolOf(entry.Name);
    const now = after.protocolOf(entry.Name);
    if (!L7_PROTOCOLS.includes(was) || L7_PROTOCOLS.includes(now)) continue;
    const src = entry.Sources[l7]!;
    errors.push(
      `${verb} ${entryLabel(change.kind, change.name)} would change the protocol of service ${JSON.stringify(entry.Name)} from ` +
        `${JSON.stringify(was)} to ${JSON.stringify(now)}, but ${entryLabel(INTENTIONS_KIND, entry.Name)} Sources[${l7}] ` +
        `(${JSON.stringify(src.Name)}) has L7 Permissions, which need http, http2 or grpc; remove those Permissions first or keep an HTTP protocol`,
    );
  }
  return errors;
}
