/**
 * Writes through the intention endpoints. Every intention lives as one Source
 * of its destination's `service-intentions` entry, so each write reads that
 * entry, computes its next value with policy/, validates it, and stores it in
 * one transaction guarded by the ModifyIndex it read (retried when another
 * writer got there first), so concurrent writes never lose each other.
 */
import type { CatalogOp } from '../catalog/index.ts';
import {
  DEFAULT_NAMESPACE,
  entryLabel,
  removeLegacyIntention,
  upsertLegacyIntention,
  validateLegacyIntention,
  validateServiceIntentions,
  type Intention,
  type ServiceIntentionsEntry,
  type ServiceRef,
  type SourceIntention,
} from '../policy/index.ts';
import { throwIfRefused } from './catalog-deps.ts';
import {
  INTENTIONS_KIND,
  requireDefaultNamespace,
  setIntentionsOp,
  type ConfigApiDeps,
  type ConfigEntries,
  type StoredIntentions,
} from './config-state.ts';
import { apiError, badRequest, notFound } from './errors.ts';

/** How often a write re-reads and tries again after losing a compare-and-swap. */
export const MAX_CAS_ATTEMPTS = 5;

/** The body of `PUT /v1/connect/intentions/exact`. */
export interface ExactIntentionBody {
  Action?: string;
  Permissions?: unknown[];
  Description?: string;
  Meta?: Record<string, string>;
}

interface Plan<T> {
  ops: CatalogOp[];
  result: T;
}

/** `ns/name` or `name` (default namespace), as the intention endpoints take service names. */
export function parseServiceRef(s: string): ServiceRef {
  const slash = s.indexOf('/');
  return slash === -1 ? { name: s } : { namespace: s.slice(0, slash) || DEFAULT_NAMESPACE, name: s.slice(slash + 1) };
}

function sameSource(s: SourceIntention, ref: ServiceRef): boolean {
  return s.Name === ref.name && (s.Namespace || DEFAULT_NAMESPACE) === (ref.namespace || DEFAULT_NAMESPACE);
}

/** An entry every source of which was written through the legacy API (and so carries an ID). */
function isLegacyEntry(entry: ServiceIntentionsEntry): boolean {
  return entry.Sources.length > 0 && entry.Sources.every((s) => !!s.LegacyID);
}

function arrow(source: ServiceRef, destination: ServiceRef): string {
  const side = (r: ServiceRef): string => (r.namespace && r.namespace !== DEFAULT_NAMESPACE ? `${r.namespace}/${r.name}` : r.name);
  return `${JSON.stringify(side(source))} => ${JSON.stringify(side(destination))}`;
}

/** Intention writes over the store's service-intentions entries. */
export class IntentionWriter {
  constructor(
    private readonly deps: ConfigApiDeps,
    private readonly entries: ConfigEntries,
  ) {}

  /** Creates a legacy intention and returns its new ID; 409 when one for the same source and destination exists. */
  async create(body: Record<string, unknown>): Promise<string> {
    if (typeof body['ID'] === 'string' && body['ID'] !== '') throw badRequest('ID: must be empty when creating an intention; the server assigns it');
    const base = this.validateLegacy(body);
    const id = this.deps.newId();
    const at = this.deps.now().toISOString();
    const ixn: Intention = { ...base, ID: id, CreatedAt: at, UpdatedAt: at };
    return this.commit(() => {
      const cur = this.legacyTarget(ixn);
      const dup = cur?.entry.Sources.find((s) => sameSource(s, { name: ixn.SourceName, namespace: ixn.SourceNS }));
      if (dup) throw this.duplicate(ixn, dup);
      const next = this.validated(upsertLegacyIntention(cur?.entry, ixn), true);
      return { ops: [setIntentionsOp(next, cur?.modifyIndex ?? 0)], result: id };
    });
  }

  /** Replaces the legacy intention `id` (its source or destination may change); 404 when there is none. */
  async update(id: string, body: Record<string, unknown>): Promise<void> {
    if (typeof body['ID'] === 'string' && body['ID'] !== '' && body['ID'] !== id) {
      throw badRequest(`ID: ${JSON.stringify(body['ID'])} does not match the intention ID in the URL (${JSON.stringify(id)})`);
    }
    const base = this.validateLegacy(body);
    await this.commit(() => {
      const found = this.findById(id);
      if (!found) throw notFound(`Intention not found: no intention has ID ${JSON.stringify(id)}`);
      const ixn: Intention = {
        ...base,
        ID: id,
        CreatedAt: found.source.LegacyCreateTime ?? this.deps.now().toISOString(),
        UpdatedAt: this.deps.now().toISOString(),
      };
      const ops: CatalogOp[] = [];
      let target: StoredIntentions | undefined;
      if (found.stored.entry.Name === ixn.DestinationName) {
        target = found.stored;
      } else {
        // Moving to another destination: leave the old entry and join the new one in the same transaction.
        const rest = removeLegacyIntention(found.stored.entry, id);
        ops.push(
          rest
            ? setIntentionsOp(this.validated(rest, true), found.stored.modifyIndex)
            : { op: 'deleteConfigEntry', kind: INTENTIONS_KIND, name: found.stored.entry.Name, casIndex: found.stored.modifyIndex },
        );
        target = this.legacyTarget(ixn);
      }
      const dup = target?.entry.Sources.find((s) => s.LegacyID !== id && sameSource(s, { name: ixn.SourceName, namespace: ixn.SourceNS }));
      if (dup) throw this.duplicate(ixn, dup);
      ops.push(setIntentionsOp(this.validated(upsertLegacyIntention(target?.entry, ixn), true), target?.modifyIndex ?? 0));
      return { ops, result: undefined };
    });
  }

  /** Deletes the legacy intention `id`; 404 when there is none. */
  async deleteById(id: string): Promise<void> {
    await this.commit(() => {
      const found = this.findById(id);
      if (!found) throw notFound(`Intention not found: no intention has ID ${JSON.stringify(id)}`);
      return { ops: [this.removeOp(found.stored, (s) => s.LegacyID === id)], result: undefined };
    });
  }

  /**
   * Creates or replaces the intention from `source` to `destination` (by
   * name, as `/exact`). It joins its entry in that entry's style: with an ID
   * when the entry was written through the legacy API, without one otherwise.
   */
  async upsertExact(source: ServiceRef, destination: ServiceRef, body: ExactIntentionBody): Promise<void> {
    requireDefaultNamespace(destination.namespace, `intention ${arrow(source, destination)}`);
    const hasPerms = (body.Permissions?.length ?? 0) > 0;
    if (!hasPerms && !body.Action) throw badRequest('Action: must be "allow" or "deny" (or give Permissions)');
    await this.commit(() => {
      const cur = this.entries.intentionsOf(destination.name);
      const legacy = cur ? isLegacyEntry(cur.entry) : false;
      if (!legacy && body.Meta && Object.keys(body.Meta).length > 0) {
        throw badRequest(
          `Meta: cannot be stored through /v1/connect/intentions/exact on ${entryLabel(INTENTIONS_KIND, destination.name)}; put it in the entry's Meta through /v1/config`,
        );
      }
      const next: ServiceIntentionsEntry = cur ? structuredClone(cur.entry) : { Kind: 'service-intentions', Name: destination.name, Sources: [] };
      const at = next.Sources.findIndex((s) => sameSource(s, source));
      const prev = next.Sources[at];
      const src: SourceIntention = { Name: source.name, Precedence: 0, Type: 'consul' };
      if (source.namespace && source.namespace !== DEFAULT_NAMESPACE) src.Namespace = source.namespace;
      if (hasPerms) src.Permissions = body.Permissions as SourceIntention['Permissions'];
      else src.Action = body.Action as SourceIntention['Action'];
      if (body.Description) src.Description = body.Description;
      if (legacy) {
        const now = this.deps.now().toISOString();
        src.LegacyID = prev?.LegacyID ?? this.deps.newId();
        src.LegacyMeta = body.Meta ?? prev?.LegacyMeta ?? {};
        src.LegacyCreateTime = prev?.LegacyCreateTime ?? now;
        src.LegacyUpdateTime = now;
      }
      const index = at === -1 ? next.Sources.push(src) - 1 : at;
      next.Sources[index] = src;
      const validated = this.validated(next, legacy, { index, label: `intention ${arrow(source, destination)}` });
      return { ops: [setIntentionsOp(validated, cur?.modifyIndex ?? 0)], result: undefined };
    });
  }

  /** Deletes the intention from `source` to `destination` by name; nothing to do when there is none. */
  async deleteExact(source: ServiceRef, destination: ServiceRef): Promise<void> {
    await this.commit(() => {
      const cur = this.entries.intentionsOf(destination.name);
      if (!cur || !cur.entry.Sources.some((s) => sameSource(s, source))) return { ops: [], result: undefined };
      return { ops: [this.removeOp(cur, (s) => sameSource(s, source))], result: undefined };
    });
  }

  /** Runs a plan as one transaction, re-planning on a lost compare-and-swap. */
  private commit<T>(plan: () => Plan<T>): Promise<T> {
    return this.entries.serialize(async () => {
      for (let attempt = 1; ; attempt++) {
        const p = plan();
        if (p.ops.length === 0) return p.result;
        const r = await this.deps.store.apply(p.ops);
        if (r.ok) return p.result;
        if (r.reason !== 'cas-failed') throwIfRefused(r);
        if (attempt >= MAX_CAS_ATTEMPTS) {
          throw apiError('CONFLICT', `intentions changed concurrently ${MAX_CAS_ATTEMPTS} times while writing; try again`);
        }
      }
    });
  }

  private validateLegacy(body: Record<string, unknown>): Intention {
    const dest = body['DestinationName'];
    const v = validateLegacyIntention(body, { protocol: typeof dest === 'string' && dest ? this.entries.protocolOf(dest) : undefined });
    if (!v.ok) throw badRequest(v.errors.join('; '));
    requireDefaultNamespace(v.value.DestinationNS === DEFAULT_NAMESPACE ? undefined : v.value.DestinationNS, 'DestinationNS');
    return v.value;
  }

  /** The destination's entry for a legacy write; 400 when it was written through /v1/config (as Consul refuses). */
  private legacyTarget(ixn: Intention): StoredIntentions | undefined {
    const cur = this.entries.intentionsOf(ixn.DestinationName);
    if (cur && !isLegacyEntry(cur.entry)) {
      throw badRequest(
        `cannot use the legacy intention API on destination ${JSON.stringify(ixn.DestinationName)}: its ${entryLabel(INTENTIONS_KIND, ixn.DestinationName)} ` +
          'was written through /v1/config; edit that entry, or use /v1/connect/intentions/exact',
      );
    }
    return cur;
  }

  private duplicate(ixn: Intention, existing: SourceIntention): Error {
    const id = existing.LegacyID ? ` (ID ${existing.LegacyID})` : '';
    return apiError(
      'CONFLICT',
      `duplicate intention: one from ${arrow({ name: ixn.SourceName, namespace: ixn.SourceNS }, { name: ixn.DestinationName })} already exists${id}; update or delete it instead`,
    );
  }

  private findById(id: string): { stored: StoredIntentions; source: SourceIntention } | undefined {
    for (const stored of this.entries.allIntentionEntries()) {
      const source = stored.entry.Sources.find((s) => s.LegacyID === id);
      if (source) return { stored, source };
    }
    return undefined;
  }

  /** The op that removes the matching sources from an entry: a guarded set, or a guarded delete when none are left. */
  private removeOp(stored: StoredIntentions, drop: (s: SourceIntention) => boolean): CatalogOp {
    const sources = stored.entry.Sources.filter((s) => !drop(s));
    if (sources.length === 0) return { op: 'deleteConfigEntry', kind: INTENTIONS_KIND, name: stored.entry.Name, casIndex: stored.modifyIndex };
    const next = this.validated({ ...structuredClone(stored.entry), Sources: structuredClone(sources) }, isLegacyEntry(stored.entry));
    return setIntentionsOp(next, stored.modifyIndex);
  }

  /** The entry validated as stored; 400 with the problems (for `/exact`, named as fields of the intention written). */
  private validated(entry: ServiceIntentionsEntry, legacy: boolean, focus?: { index: number; label: string }): ServiceIntentionsEntry {
    const v = validateServiceIntentions(entry, { protocol: this.entries.protocolOf(entry.Name), legacy });
    if (v.ok) return v.value;
    if (focus) {
      const prefix = `Sources[${focus.index}].`;
      throw badRequest(`${focus.label}: ${v.errors.map((e) => (e.startsWith(prefix) ? e.slice(prefix.length) : e)).join('; ')}`);
    }
    throw badRequest(`${entryLabel(INTENTIONS_KIND, entry.Name)}: ${v.errors.join('; ')}`);
  }
}
