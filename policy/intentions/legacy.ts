/**
 * The legacy intention object of `/v1/connect/intentions` and the
 * `service-intentions` entry are two views of one store: a legacy intention
 * is one Source of its destination's entry, remembered by LegacyID.
 * Evaluation (match.ts, l7.ts, flatten.ts) works on the legacy view.
 */
import { intentionPrecedence, sortByPrecedence } from './precedence.ts';
import { DEFAULT_NAMESPACE, type Intention, type ServiceIntentionsEntry, type ServiceRef, type SourceIntention } from './types.ts';

function sourceNamespace(entry: ServiceIntentionsEntry, src: SourceIntention): string {
  // A source without a namespace lives in its destination's (unless that is the wildcard).
  if (src.Namespace) return src.Namespace;
  return entry.Namespace && entry.Namespace !== '*' ? entry.Namespace : DEFAULT_NAMESPACE;
}

/** Every source of an entry as a legacy intention (ID empty unless it was written through the legacy API). */
export function intentionsFromEntry(entry: ServiceIntentionsEntry): Intention[] {
  const destinationNS = entry.Namespace || DEFAULT_NAMESPACE;
  return entry.Sources.map((src) => {
    const sourceNS = sourceNamespace(entry, src);
    const hasPermissions = (src.Permissions?.length ?? 0) > 0;
    const ixn: Intention = {
      ID: src.LegacyID ?? '',
      Description: src.Description ?? '',
      SourceNS: sourceNS,
      SourceName: src.Name,
      DestinationNS: destinationNS,
      DestinationName: entry.Name,
      SourceType: 'consul',
      Action: hasPermissions ? '' : (src.Action ?? ''),
      Precedence: intentionPrecedence({ namespace: sourceNS, name: src.Name }, { namespace: destinationNS, name: entry.Name }),
      Meta: { ...(src.LegacyMeta ?? {}) },
      CreateIndex: entry.CreateIndex ?? 0,
      ModifyIndex: entry.ModifyIndex ?? 0,
    };
    if (hasPermissions) ixn.Permissions = structuredClone(src.Permissions);
    if (src.LegacyCreateTime) ixn.CreatedAt = src.LegacyCreateTime;
    if (src.LegacyUpdateTime) ixn.UpdatedAt = src.LegacyUpdateTime;
    return ixn;
  });
}

/** All intentions of a set of entries, in evaluation order. */
export function intentionsFromEntries(entries: readonly ServiceIntentionsEntry[]): Intention[] {
  return sortByPrecedence(entries.flatMap(intentionsFromEntry));
}

/** A legacy intention as the Source it becomes, and the destination whose entry holds it. */
export function sourceFromIntention(ixn: Intention): { destination: ServiceRef; source: SourceIntention } {
  const source: SourceIntention = {
    Name: ixn.SourceName,
    Precedence: ixn.Precedence,
    Type: 'consul',
  };
  if (ixn.SourceNS && ixn.SourceNS !== DEFAULT_NAMESPACE) source.Namespace = ixn.SourceNS;
  if (ixn.Permissions && ixn.Permissions.length > 0) source.Permissions = structuredClone(ixn.Permissions);
  else if (ixn.Action) source.Action = ixn.Action;
  if (ixn.Description) source.Description = ixn.Description;
  if (ixn.ID) source.LegacyID = ixn.ID;
  source.LegacyMeta = { ...ixn.Meta };
  if (ixn.CreatedAt) source.LegacyCreateTime = ixn.CreatedAt;
  if (ixn.UpdatedAt) source.LegacyUpdateTime = ixn.UpdatedAt;
  const destination: ServiceRef = { name: ixn.DestinationName };
  if (ixn.DestinationNS && ixn.DestinationNS !== DEFAULT_NAMESPACE) destination.namespace = ixn.DestinationNS;
  return { destination, source };
}

function sameSource(a: SourceIntention, b: SourceIntention): boolean {
  return a.Name === b.Name && (a.Namespace || DEFAULT_NAMESPACE) === (b.Namespace || DEFAULT_NAMESPACE);
}

function withSortedSources(entry: ServiceIntentionsEntry): ServiceIntentionsEntry {
  const destination = { namespace: entry.Namespace, name: entry.Name };
  const sources = entry.Sources.map((s) => ({ ...s, Precedence: intentionPrecedence({ namespace: s.Namespace, name: s.Name }, destination) }));
  // Stable: equal precedences keep the order they were written in, as Consul does.
  return { ...entry, Sources: sources.map((s, i) => [s, i] as const).sort((x, y) => y[0].Precedence - x[0].Precedence || x[1] - y[1]).map(([s]) => s) };
}

/**
 * The destination's entry after writing a legacy intention into it: the
 * source with the same LegacyID, or else the same name, is replaced; a new
 * entry is made when `entry` is undefined. The input is not modified.
 */
export function upsertLegacyIntention(entry: ServiceIntentionsEntry | undefined, ixn: Intention): ServiceIntentionsEntry {
  const { destination, source } = sourceFromIntention(ixn);
  const base: ServiceIntentionsEntry = entry
    ? structuredClone(entry)
    : { Kind: 'service-intentions', Name: destination.name, Sources: [], ...(destination.namespace ? { Namespace: destination.namespace } : {}) };
  const at = base.Sources.findIndex((s) => (source.LegacyID && s.LegacyID === source.LegacyID) || sameSource(s, source));
  if (at === -1) base.Sources.push(source);
  else base.Sources[at] = source;
  return withSortedSources(base);
}

/** The entry without the source whose LegacyID is `id`; undefined when no source is left (the entry goes away). */
export function removeLegacyIntention(entry: ServiceIntentionsEntry, id: string): ServiceIntentionsEntry | undefined {
  const sources = entry.Sources.filter((s) => s.LegacyID !== id);
  if (sources.length === 0) return undefined;
  return { ...structuredClone(entry), Sources: structuredClone(sources) };
}
