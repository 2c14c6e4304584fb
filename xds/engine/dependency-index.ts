/**
 * Which proxies read what: for each service (its registration, or its mesh
 * endpoints) and each config entry, the proxies whose last snapshot depended
 * on it. A change finds the proxies to rebuild by lookup, not by a scan of
 * every proxy; a proxy holds references to its entries, not key strings.
 */
import type { ChangeEvent } from '../../catalog/index.ts';
import type { SnapshotDependencies } from '../snapshot/gather.ts';

type Kind = 'services' | 'connect' | 'configEntries';

/** The proxies depending on one key; knows its own place for removal. (A plain Set inside: V8 is slower on Set subclasses.) */
export class Dependents {
  readonly ids = new Set<string>();
  constructor(
    readonly kind: Kind,
    readonly key: string,
  ) {}
}

/** Dependency key → proxies, one map per kind of key. */
export class DependencyIndex {
  private readonly maps: Record<Kind, Map<string, Dependents>> = { services: new Map(), connect: new Map(), configEntries: new Map() };

  /** Points the index at a proxy's new dependencies; returns what the proxy keeps to be re-pointed later. */
  update(nodeId: string, previous: readonly Dependents[], deps: SnapshotDependencies): Dependents[] {
    const next = new Set<Dependents>();
    for (const kind of ['services', 'connect', 'configEntries'] as const) {
      const map = this.maps[kind];
      for (const key of deps[kind]) {
        let dep = map.get(key);
        if (!dep) map.set(key, (dep = new Dependents(kind, key)));
        dep.ids.add(nodeId);
        next.add(dep);
      }
    }
    for (const dep of previous) {
      if (next.has(dep)) continue;
      dep.ids.delete(nodeId);
      if (dep.ids.size === 0) this.maps[dep.kind].delete(dep.key);
    }
    return [...next];
  }

  /**
   * Calls `visit` for every proxy the change concerns (a proxy may be visited
   * more than once): those whose own registration or config entries it wrote,
   * and those reading mesh endpoints of `upstreamsChanged` (the services
   * whose shared upstreams came out different; every endpoint dependency
   * goes through a shared upstream, so the others are untouched).
   */
  affected(ev: ChangeEvent, upstreamsChanged: ReadonlySet<string>, visit: (nodeId: string) => void): void {
    const each = (kind: Kind, key: string): void => {
      const dep = this.maps[kind].get(key);
      if (dep) for (const id of dep.ids) visit(id);
    };
    for (const s of ev.services) each('services', s);
    for (const s of upstreamsChanged) each('connect', s);
    for (const k of ev.configEntries) each('configEntries', k);
  }

  /** Keys indexed, for tests. */
  size(): number {
    return this.maps.services.size + this.maps.connect.size + this.maps.configEntries.size;
  }
}
