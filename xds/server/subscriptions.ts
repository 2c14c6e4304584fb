/**
 * How a discovery request changes what a stream subscribes to, for one type:
 * state-of-the-world requests restate the whole subscription, delta requests
 * add and remove names. Wildcard (`*`, or nothing named at first) applies to
 * LDS and CDS only.
 */
import { WILDCARD_TYPES } from '../type-urls.ts';
import type { DeltaDiscoveryRequest__Output } from './service-definitions.ts';
import { dropHeld, ownNames, sameSet, type TypeState } from './type-state.ts';

/** Applies a SotW request's names; true when the subscription changed (or this is the type's first request). */
export function applySotwSubscription(st: TypeState, requested: readonly string[], first: boolean): boolean {
  let wildcard = false;
  if (WILDCARD_TYPES.has(st.typeUrl)) {
    wildcard = requested.includes('*') || (requested.length === 0 && (first || st.wildcard));
  }
  const names = new Set(requested.filter((n) => n !== '*'));
  if (!first && wildcard === st.wildcard && sameSet(names, st.names)) return false;
  st.wildcard = wildcard;
  st.names = names;
  return true;
}

/**
 * Applies a delta request's subscribe and unsubscribe lists (and, on the
 * type's first request, the versions the proxy declares it holds); true when
 * anything changed.
 */
export function applyDeltaSubscription(st: TypeState, req: DeltaDiscoveryRequest__Output, first: boolean): boolean {
  const subscribe = req.resource_names_subscribe ?? [];
  const unsubscribe = req.resource_names_unsubscribe ?? [];
  const wildcardType = WILDCARD_TYPES.has(st.typeUrl);
  let changed = first;
  if (first) {
    const declared = Object.entries(req.initial_resource_versions ?? {});
    if (declared.length > 0) st.declared = new Map(declared);
    if (wildcardType && subscribe.length === 0) st.wildcard = true;
  }
  for (const name of subscribe) {
    if (name === '*') {
      if (wildcardType && !st.wildcard) (st.wildcard = true), (changed = true);
      continue;
    }
    // Subscribing again to a name asks for it again.
    if (!first) dropHeld(st, name);
    ownNames(st).add(name);
    changed = true;
  }
  for (const name of unsubscribe) {
    if (name === '*') {
      if (st.wildcard) (st.wildcard = false), (changed = true);
    } else if (st.names.has(name)) {
      ownNames(st).delete(name);
      changed = true;
    }
  }
  return changed;
}
