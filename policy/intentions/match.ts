/**
 * Which intentions apply, in which order, and what an L4 check decides —
 * the semantics of Consul's `/v1/connect/intentions/match` and `/check`.
 */
import { sortByPrecedence } from './precedence.ts';
import { DEFAULT_NAMESPACE, WILDCARD, type Intention, type ServiceRef } from './types.ts';

/** A concrete service (no wildcards), as a query names it. */
export type ServiceQuery = string | ServiceRef;

function ref(q: ServiceQuery): { namespace: string; name: string } {
  return typeof q === 'string'
    ? { namespace: DEFAULT_NAMESPACE, name: q }
    : { namespace: q.namespace || DEFAULT_NAMESPACE, name: q.name };
}

/** True when the intention side `namespace/name` (possibly wildcarded) includes the concrete service `q`. */
export function sideMatches(namespace: string, name: string, q: ServiceQuery): boolean {
  const { namespace: ns, name: n } = ref(q);
  return (namespace === WILDCARD || namespace === ns) && (name === WILDCARD || name === n);
}

/**
 * Consul's match rule for a queried name: a concrete name matches intentions
 * naming it or the wildcard; the wildcard itself matches only wildcard
 * intentions (a query for `*` does not list every intention).
 */
function queryMatches(namespace: string, name: string, q: ServiceQuery): boolean {
  const { namespace: ns, name: n } = ref(q);
  const nsOk = ns === WILDCARD ? namespace === WILDCARD : namespace === WILDCARD || namespace === ns;
  const nameOk = n === WILDCARD ? name === WILDCARD : name === WILDCARD || name === n;
  return nsOk && nameOk;
}

/** The intentions that apply to a source or a destination, in evaluation order (as `/match`). */
export function matchIntentions(
  all: readonly Intention[],
  query: { by: 'source' | 'destination'; name: string; namespace?: string },
): Intention[] {
  const q: ServiceRef = { name: query.name, namespace: query.namespace };
  const hits = all.filter((ixn) =>
    query.by === 'source' ? queryMatches(ixn.SourceNS, ixn.SourceName, q) : queryMatches(ixn.DestinationNS, ixn.DestinationName, q),
  );
  return sortByPrecedence(hits);
}

/** The one intention that governs traffic from `source` to `destination`, if any. */
export function governingIntention(all: readonly Intention[], source: ServiceQuery, destination: ServiceQuery): Intention | undefined {
  const candidates = all.filter(
    (ixn) =>
      sideMatches(ixn.SourceNS, ixn.SourceName, source) && sideMatches(ixn.DestinationNS, ixn.DestinationName, destination),
  );
  return sortByPrecedence(candidates)[0];
}

/** Result of an authorization decision; `governing` is absent when the default policy decided. */
export interface IntentionDecision {
  Allowed: boolean;
  governing?: Intention;
}

/**
 * The L4 decision for a connection from `source` to `destination`, as
 * `/v1/connect/intentions/check` answers it: the governing intention's
 * action, or `defaultAllow` when none applies. An intention with L7
 * Permissions counts as deny, because a connection alone cannot show that
 * its requests will satisfy them.
 */
export function checkIntention(
  all: readonly Intention[],
  source: ServiceQuery,
  destination: ServiceQuery,
  defaultAllow: boolean,
): IntentionDecision {
  const governing = governingIntention(all, source, destination);
  if (!governing) return { Allowed: defaultAllow };
  if (governing.Permissions && governing.Permissions.length > 0) return { Allowed: false, governing };
  return { Allowed: governing.Action === 'allow', governing };
}
