/**
 * Which responses one batch of cache answers becomes, in which order: types
 * in ADS_PUSH_ORDER, and cluster and endpoint removals after everything else
 * (make-before-break), so a proxy never loses a cluster a route still names.
 * Pure: reads the stream's type states, changes nothing.
 */
import type { Resource, WatchResponse } from '../cache/index.ts';
import { ADS_PUSH_ORDER, CLUSTER_TYPE, ENDPOINT_TYPE, type ResourceTypeUrl } from '../type-urls.ts';
import type { AdsMode } from './proxy-status.ts';
import { isKnown, knownVersion, type TypeState } from './type-state.ts';

/** A stream's state per type, as the plan reads it. */
interface StreamTypes {
  get(typeUrl: ResourceTypeUrl): TypeState | undefined;
}

/** Types whose removals go out after every other push of a change (make-before-break). */
const REMOVED_LAST: ReadonlySet<ResourceTypeUrl> = new Set([CLUSTER_TYPE, ENDPOINT_TYPE]);

/**
 * One response to write for one type. `upserts` and `removed` are what it
 * changes in what the proxy holds; SotW responses list `resources` in full.
 */
export interface PlannedResponse {
  readonly st: TypeState;
  readonly upserts: Resource[];
  readonly removed: string[];
  /** SotW only: the whole set the response lists. */
  readonly resources?: Resource[];
  /** Commit time of the earliest change the response carries. */
  readonly since: number | undefined;
}

/**
 * Names of other types to send again even if unchanged: Envoy re-warms a
 * cluster (listener) that changed and waits for its endpoints (routes).
 */
export function dependentNames(types: StreamTypes, batch: ReadonlyMap<ResourceTypeUrl, WatchResponse>): Map<ResourceTypeUrl, Set<string>> {
  const forced = new Map<ResourceTypeUrl, Set<string>>();
  for (const [typeUrl, answer] of batch) {
    const st = types.get(typeUrl);
    if (!st) continue;
    for (const r of answer.resources.values()) {
      if (!r.dependents || knownVersion(st, r.name) === r.version) continue;
      const dep = types.get(r.dependents.typeUrl);
      if (!dep) continue;
      for (const name of r.dependents.names) {
        if (!dep.wildcard && !dep.names.has(name)) continue;
        let set = forced.get(dep.typeUrl);
        if (!set) forced.set(dep.typeUrl, (set = new Set()));
        set.add(name);
      }
    }
  }
  return forced;
}

/** The responses a batch becomes, in the order they must be written; `forced` names are sent even when the proxy holds them. */
export function planPush(
  mode: AdsMode,
  types: StreamTypes,
  batch: ReadonlyMap<ResourceTypeUrl, WatchResponse>,
  forced: ReadonlyMap<ResourceTypeUrl, ReadonlySet<string>>,
): PlannedResponse[] {
  const now: PlannedResponse[] = [];
  const last: PlannedResponse[] = [];
  for (const typeUrl of ADS_PUSH_ORDER) {
    const answer = batch.get(typeUrl);
    const st = types.get(typeUrl);
    if (!answer || !st) continue;
    const force = forced.get(typeUrl);
    const current = [...answer.resources.values()];
    const upserts = current.filter((r) => knownVersion(st, r.name) !== r.version || force?.has(r.name));
    const removed = answer.removed.filter((n) => isKnown(st, n));
    // The first answer of a wildcard subscription goes out even when empty.
    const mustAnswer = st.wildcard && !st.answered;
    const deferRemoval = REMOVED_LAST.has(typeUrl) && removed.length > 0;
    const since = answer.since;
    if (mode === 'delta') {
      const removeNow = deferRemoval ? [] : removed;
      if (upserts.length > 0 || removeNow.length > 0 || mustAnswer) now.push({ st, upserts, removed: removeNow, since });
      if (deferRemoval) last.push({ st, upserts: [], removed, since });
    } else if (deferRemoval) {
      // Until everything that used them is updated, the removed ones stay in the set.
      if (upserts.length > 0 || mustAnswer) {
        const kept = removed.map((n) => st.held.get(n)).filter((r): r is Resource => r !== undefined);
        now.push({ st, resources: [...current, ...kept], upserts, removed: [], since });
      }
      last.push({ st, resources: current, upserts: [], removed, since });
    } else if (upserts.length > 0 || removed.length > 0 || mustAnswer) {
      now.push({ st, resources: current, upserts, removed, since });
    }
  }
  return [...now, ...last];
}
