/**
 * Which proxies read what: for each service whose mesh endpoints they use and
 * each config entry, the proxies whose last snapshot depended on it (their
 * own registrations are in RegistrationIndex). A change finds the proxies to rebuild by lookup, not by a scan of
 * every proxy.
 */
import type { ChangeEvent } from '../../catalog/index.ts';
import type { SnapshotDependencies } from '../snapshot/gather.ts';

type Kind = 'connect' | 'configEntries';
const KINDS: readonly Kind[] = ['connect', 'configEntries'];
const INTENTIONS_PREFIX = 'service-intentions/';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The proxies depending on one key. */
class Dependents {
  readonly ids = new Set<string>();
  constructor(
    readonly kind: Kind,
    readonly key: string,
  ) {}
}

/** Dependency key → proxies, one map per kind of key. */
export class DependencyIndex {
  private readonly maps: Record<Kind, Map<string, Dependents>> = { connect: new Map(), configEntries: new Map() };

  /**
   * Points the index at a proxy's new dependencies, given the ones it was
   * indexed under. Most rebuilds read exactly what the last one did (largely
   * the very same strings, from shared upstreams), so equal lists cost a
   * comparison and nothing else.
   */
  update(nodeId: string, previous: SnapshotDependencies | undefined, next: SnapshotDependencies): void {
    if (previous && KINDS.every((k) => sameList(previous[k], next[k]))) return;
    for (const kind of KINDS) {
      const map = this.maps[kind];
      const keep = new Set(next[kind]);
      for (const key of previous?.[kind] ?? []) {
        if (keep.has(key)) continue;
        const dep = map.get(key);
        if (!dep) continue;
        dep.ids.delete(nodeId);
        if (dep.ids.size === 0) map.delete(key);
      }
      for (const key of keep) {
        let dep = map.get(key);
        if (!dep) map.set(key, (dep = new Dependents(kind, key)));
        dep.ids.add(nodeId);
      }
    }
  }

  /**
   * Calls `visit` for every proxy the change concerns (a proxy may be visited
   * more than once): those whose config entries it wrote,
   * and those reading mesh endpoints of `upstreamsChanged` (the services
   * whose shared upstreams came out different; every endpoint dependency
   * goes through a shared upstream, so the others are untouched). The
   * latter go to `viaUpstreams`, and those reading only intentions among the
   * entries written to `viaIntentions`; both may do less than a rebuild (a
   * proxy reached several ways is rebuilt if any way asks for it).
   */
  affected(
    ev: ChangeEvent,
    upstreamsChanged: ReadonlySet<string>,
    visit: (nodeId: string) => void,
    viaUpstreams: (nodeId: string) => void = visit,
    viaIntentions: (nodeId: string) => void = visit,
  ): void {
    const each = (kind: Kind, key: string, to: (nodeId: string) => void): void => {
      const dep = this.maps[kind].get(key);
      if (dep) for (const id of dep.ids) to(id);
    };
    // Intentions are read only for a proxy's inbound authorization; everything else read from config entries may be anywhere.
    for (const k of ev.configEntries) each('configEntries', k, k.startsWith(INTENTIONS_PREFIX) ? viaIntentions : visit);
    for (const s of upstreamsChanged) each('connect', s, viaUpstreams);
  }

  /** Keys indexed, for tests. */
  size(): number {
    return this.maps.connect.size + this.maps.configEntries.size;
  }
}
