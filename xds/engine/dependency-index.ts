/**
 * Which proxies read what: for each service (its registration, or its mesh
 * endpoints) and each config entry, the proxies whose last snapshot depended
 * on it. A change finds the proxies to rebuild by lookup, not by a scan of
 * every proxy.
 */
import { createHash } from 'node:crypto';
import type { ChangeEvent } from '../../catalog/index.ts';
import type { SnapshotDependencies } from '../snapshot/gather.ts';

type Kind = 'services' | 'connect' | 'configEntries';
const KINDS: readonly Kind[] = ['services', 'connect', 'configEntries'];
const INTENTIONS_PREFIX = 'service-intentions/';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameDeps(a: SnapshotDependencies, b: SnapshotDependencies): boolean {
  return KINDS.every((k) => sameList(a[k], b[k]));
}

/** A digest naming a list of dependencies (a digest: a key of every key read would be long). */
function digestOf(deps: SnapshotDependencies): string {
  const hash = createHash('sha256');
  for (const kind of KINDS) {
    for (const key of deps[kind]) hash.update(key).update('\0');
    hash.update('\n');
  }
  return hash.digest().subarray(0, 16).toString('base64url');
}

/**
 * Proxies whose last gather read exactly the same keys (the instances of one
 * service, mostly): indexed once for all of them, so the index grows with the
 * distinct dependency lists rather than with proxies × keys.
 */
class DependencyGroup {
  readonly members = new Set<string>();
  constructor(
    readonly key: string,
    readonly deps: SnapshotDependencies,
  ) {}
}

/** Dependency key → the groups of proxies reading it, one map per kind of key. */
export class DependencyIndex {
  private readonly maps: Record<Kind, Map<string, Set<DependencyGroup>>> = { services: new Map(), connect: new Map(), configEntries: new Map() };
  private readonly groups = new Map<string, DependencyGroup>();
  private readonly groupOf = new Map<string, DependencyGroup>();

  /**
   * Points the index at a proxy's new dependencies, given the ones it was
   * indexed under. Most rebuilds read exactly what the last one did (largely
   * the very same strings, from shared upstreams), so equal lists cost a
   * comparison and nothing else.
   */
  update(nodeId: string, previous: SnapshotDependencies | undefined, next: SnapshotDependencies): void {
    if (previous && sameDeps(previous, next)) return;
    const before = this.groupOf.get(nodeId);
    if (before && sameDeps(before.deps, next)) return;
    if (before) this.leave(nodeId, before);
    if (KINDS.every((k) => next[k].length === 0)) return;
    let key = digestOf(next);
    let group = this.groups.get(key);
    // Another list under the same digest (never seen in practice): this proxy gets a group of its own.
    if (group && !sameDeps(group.deps, next)) (key = `${key}:${nodeId}`), (group = this.groups.get(key));
    if (!group) group = this.addGroup(key, next);
    group.members.add(nodeId);
    this.groupOf.set(nodeId, group);
  }

  private addGroup(key: string, deps: SnapshotDependencies): DependencyGroup {
    const group = new DependencyGroup(key, deps);
    this.groups.set(key, group);
    for (const kind of KINDS) {
      const map = this.maps[kind];
      for (const dep of deps[kind]) {
        let set = map.get(dep);
        if (!set) map.set(dep, (set = new Set()));
        set.add(group);
      }
    }
    return group;
  }

  private leave(nodeId: string, group: DependencyGroup): void {
    this.groupOf.delete(nodeId);
    group.members.delete(nodeId);
    if (group.members.size > 0) return;
    this.groups.delete(group.key);
    for (const kind of KINDS) {
      const map = this.maps[kind];
      for (const dep of group.deps[kind]) {
        const set = map.get(dep);
        if (!set) continue;
        set.delete(group);
        if (set.size === 0) map.delete(dep);
      }
    }
  }

  /**
   * Calls `visit` for every proxy the change concerns (a proxy may be visited
   * more than once): those whose own registration or config entries it wrote,
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
      const groups = this.maps[kind].get(key);
      if (groups) for (const group of groups) for (const id of group.members) to(id);
    };
    for (const s of ev.services) each('services', s, visit);
    // Intentions are read only for a proxy's inbound authorization; everything else read from config entries may be anywhere.
    for (const k of ev.configEntries) each('configEntries', k, k.startsWith(INTENTIONS_PREFIX) ? viaIntentions : visit);
    for (const s of upstreamsChanged) each('connect', s, viaUpstreams);
  }

  /** Keys indexed, for tests. */
  size(): number {
    return this.maps.services.size + this.maps.connect.size + this.maps.configEntries.size;
  }
}
