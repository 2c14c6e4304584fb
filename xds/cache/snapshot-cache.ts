/**
 * SnapshotCache: a ConfigWatcher fed with one complete set of resources per
 * node (`setSnapshot`). Resources are encoded once and shared: the same plain
 * object given to many nodes is encoded once, and equal content found again is
 * replaced by the Resource already held, so every stream sends one Buffer.
 */
import { createHash } from 'node:crypto';
import { messageType } from '../protos.ts';
import { ADS_PUSH_ORDER, messageNameOf, type ResourceTypeUrl } from '../type-urls.ts';
import { contentTextOf } from './encode-message.ts';
import { RecentlyRetired } from './recently-retired.ts';
import { encodeResource, InvalidResourceError, type Resource, type ResourceObject } from './resource.ts';
import type { CancelWatch, ConfigWatcher, WatchRequest, WatchResponse } from './watch.ts';

/** The resources of one node by type; a type left out has no resources. */
export type SnapshotInput = Partial<Record<ResourceTypeUrl, Iterable<Resource | ResourceObject>>>;

/** A node's resources: type → name → Resource. */
export type NodeSnapshot = ReadonlyMap<ResourceTypeUrl, ReadonlyMap<string, Resource>>;

/** Counters of a cache, for tests and metrics. */
export interface CacheStats {
  /** Resource encodings done since the cache was made (encode-once proof). */
  encodings: number;
  /** Nodes holding a snapshot. */
  nodes: number;
  /** Open watches. */
  watches: number;
}

/** How a snapshot came to be. */
export interface SetSnapshotOptions {
  /**
   * When (ms, `Date.now()` clock) the change that produced this snapshot was
   * committed; handed on with the answers it causes, for convergence metrics.
   */
  since?: number;
}

/** What one setSnapshot changed, by type: names added or updated, and names removed. */
export type SnapshotChange = Partial<Record<ResourceTypeUrl, { updated: string[]; removed: string[] }>>;

interface Watch {
  readonly request: WatchRequest;
  readonly respond: (response: WatchResponse) => void;
}

/** Up to this many resources, a lookup scans the list; beyond, it goes through an index built on first use. */
const SCAN_LIMIT = 24;

/**
 * A node's resources of one type, in snapshot order, as a read-only map.
 * There is one per type per node, and streams share it as what their proxy
 * holds, so it is an array rather than a hash table: a sidecar's dozen
 * clusters cost a dozen pointers. Large sets (gateways, wildcard meshes) get
 * a Map index on their first lookup.
 */
class ResourceList implements ReadonlyMap<string, Resource> {
  private index: Map<string, Resource> | undefined;

  constructor(private readonly items: readonly Resource[]) {}

  get size(): number {
    return this.items.length;
  }

  get(name: string): Resource | undefined {
    if (this.items.length <= SCAN_LIMIT) {
      for (const r of this.items) if (r.name === name) return r;
      return undefined;
    }
    this.index ??= new Map(this.items.map((r) => [r.name, r]));
    return this.index.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  *entries(): MapIterator<[string, Resource]> {
    for (const r of this.items) yield [r.name, r];
  }

  *keys(): MapIterator<string> {
    for (const r of this.items) yield r.name;
  }

  values(): MapIterator<Resource> {
    return this.items.values();
  }

  forEach(fn: (value: Resource, key: string, map: ReadonlyMap<string, Resource>) => void): void {
    for (const r of this.items) fn(r, r.name, this);
  }

  [Symbol.iterator](): MapIterator<[string, Resource]> {
    return this.entries();
  }
}

const NO_RESOURCES: ReadonlyMap<string, Resource> = new ResourceList([]);

/** A node's lists by type, in ADS_PUSH_ORDER slots: one per node, so a small array rather than a Map. */
class TypeLists implements NodeSnapshot {
  constructor(private readonly lists: readonly ReadonlyMap<string, Resource>[]) {}

  get size(): number {
    return this.lists.length;
  }

  get(typeUrl: ResourceTypeUrl): ReadonlyMap<string, Resource> | undefined {
    const at = ADS_PUSH_ORDER.indexOf(typeUrl);
    return at < 0 ? undefined : this.lists[at];
  }

  has(typeUrl: ResourceTypeUrl): boolean {
    return this.get(typeUrl) !== undefined;
  }

  *entries(): MapIterator<[ResourceTypeUrl, ReadonlyMap<string, Resource>]> {
    for (let i = 0; i < this.lists.length; i++) yield [ADS_PUSH_ORDER[i]!, this.lists[i]!];
  }

  *keys(): MapIterator<ResourceTypeUrl> {
    for (const [t] of this.entries()) yield t;
  }

  values(): MapIterator<ReadonlyMap<string, Resource>> {
    return this.lists.values();
  }

  forEach(fn: (value: ReadonlyMap<string, Resource>, key: ResourceTypeUrl, map: NodeSnapshot) => void): void {
    for (const [t, list] of this.entries()) fn(list, t, this);
  }

  [Symbol.iterator](): MapIterator<[ResourceTypeUrl, ReadonlyMap<string, Resource>]> {
    return this.entries();
  }
}

function isResource(v: Resource | ResourceObject): v is Resource {
  return typeof (v as Resource).version === 'string' && typeof (v as Resource).any === 'object' && (v as Resource).delta !== undefined;
}

/** The smallest table size worth sweeping. */
const MIN_SWEEP_AT = 4096;

/** A watchable cache of per-node snapshots. */
export class SnapshotCache implements ConfigWatcher {
  private readonly snapshots = new Map<string, NodeSnapshot>();
  // A node's open watches: an array, as it holds a handful (one per type per stream), where a Set's hash table would cost more.
  private readonly watches = new Map<string, Watch[]>();
  private readonly byObject = new WeakMap<object, Map<ResourceTypeUrl, Resource>>();
  // Content-addressed: (type, name, version) → the one Resource with those bytes.
  /** Resources that are the interned copy of their (type, name, version). */
  private readonly canonical = new WeakSet<Resource>();
  private readonly interned = new Map<string, WeakRef<Resource>>();
  // The same, keyed by a digest of the object's JSON text: equal content is not encoded again.
  private readonly byContent = new Map<string, WeakRef<Resource>>();
  // node → type → the earliest commit time of a change not yet handed to a watch.
  private readonly undelivered = new Map<string, Map<ResourceTypeUrl, number>>();
  private encodings = 0;
  /** Resources a node just stopped holding, kept a while: content that comes back (a flapping check, a change undone) is not encoded again. */
  private readonly retired = new RecentlyRetired();
  /** Table size at which the next sweep runs. */
  private sweepAt = MIN_SWEEP_AT;

  /**
   * Encodes a resource object, or returns the shared Resource with equal
   * content; throws InvalidResourceError. Proxies built from the same state
   * carry equal but separate objects (one endpoint set for every proxy with
   * that upstream), so content is recognised by its JSON text before any
   * encoding: each distinct resource is encoded once.
   */
  encode(typeUrl: ResourceTypeUrl, obj: ResourceObject): Resource {
    const memo = this.byObject.get(obj)?.get(typeUrl);
    if (memo) return memo;
    const contentKey = contentKeyOf(typeUrl, obj);
    let resource = contentKey === undefined ? undefined : this.byContent.get(contentKey)?.deref();
    if (!resource) {
      this.encodings++;
      resource = this.intern(encodeResource(typeUrl, obj));
      if (contentKey !== undefined) this.byContent.set(contentKey, new WeakRef(resource));
      if (this.byContent.size >= this.sweepAt) this.sweep();
    }
    let perType = this.byObject.get(obj);
    if (!perType) this.byObject.set(obj, (perType = new Map()));
    perType.set(typeUrl, resource);
    return resource;
  }

  /**
   * Replaces a node's resources. Everything is encoded and checked first: an
   * invalid resource throws InvalidResourceError and nothing is applied.
   * Resources whose content did not change keep their version and wake no one.
   * `opts.since` goes with the answers of the types that changed.
   */
  setSnapshot(nodeId: string, input: SnapshotInput, opts: SetSnapshotOptions = {}): SnapshotChange {
    const next = ADS_PUSH_ORDER.map((typeUrl) => this.listOf(typeUrl, input[typeUrl] ?? []));
    return this.publish(nodeId, next, opts);
  }

  /**
   * Replaces the resources of one type of a node (a patch); its other types
   * stay as they are, untouched. Throws like setSnapshot, applying nothing.
   */
  replaceType(nodeId: string, typeUrl: ResourceTypeUrl, items: Iterable<Resource | ResourceObject>, opts: SetSnapshotOptions = {}): SnapshotChange {
    const previous = this.snapshots.get(nodeId);
    const list = this.listOf(typeUrl, items);
    const next = ADS_PUSH_ORDER.map((t) => (t === typeUrl ? list : (previous?.get(t) ?? NO_RESOURCES)));
    return this.publish(nodeId, next, opts);
  }

  /** One type's resources encoded (or interned) and checked: the right type, each name once. */
  private listOf(typeUrl: ResourceTypeUrl, items: Iterable<Resource | ResourceObject>): ReadonlyMap<string, Resource> {
    const byName = new Map<string, Resource>();
    for (const item of items) {
      const resource = isResource(item) ? this.intern(item) : this.encode(typeUrl, item);
      if (resource.typeUrl !== typeUrl) throw new InvalidResourceError(typeUrl, resource.name, `is a ${resource.typeUrl} resource`);
      if (byName.has(resource.name)) throw new InvalidResourceError(typeUrl, resource.name, 'appears twice in the snapshot');
      byName.set(resource.name, resource);
    }
    return byName.size > 0 ? new ResourceList([...byName.values()]) : NO_RESOURCES;
  }

  /** Makes `next` (one list per type, in ADS_PUSH_ORDER) the node's snapshot and answers the watches it concerns. */
  private publish(nodeId: string, next: ReadonlyMap<string, Resource>[], opts: SetSnapshotOptions): SnapshotChange {
    const previous = this.snapshots.get(nodeId);
    const change: SnapshotChange = {};
    for (const [at, typeUrl] of ADS_PUSH_ORDER.entries()) {
      const before = previous?.get(typeUrl) ?? NO_RESOURCES;
      const after = next[at] ?? NO_RESOURCES;
      if (after === before) continue;
      const updated = [...after.values()].filter((r) => before.get(r.name)?.version !== r.version).map((r) => r.name);
      const removed = [...before.keys()].filter((n) => !after.has(n));
      for (const name of updated) this.retired.keep(before.get(name));
      for (const name of removed) this.retired.keep(before.get(name));
      if (updated.length > 0 || removed.length > 0) change[typeUrl] = { updated, removed };
      // An unchanged type keeps its map (the same Resources, interned): the
      // streams that share it as what their proxy holds keep sharing it.
      else next[at] = before;
    }
    this.snapshots.set(nodeId, new TypeLists(next));
    if (opts.since !== undefined) this.noteSince(nodeId, change, opts.since);
    this.wake(nodeId, previous === undefined ? undefined : change);
    return change;
  }

  /** Forgets a node's snapshot (its open watches stay and are answered by the next snapshot). */
  clearSnapshot(nodeId: string): void {
    this.snapshots.delete(nodeId);
    this.undelivered.delete(nodeId);
  }

  /** A node's current resources, or undefined before its first snapshot. */
  getSnapshot(nodeId: string): NodeSnapshot | undefined {
    return this.snapshots.get(nodeId);
  }

  /** Counters (encodings done, nodes, open watches). */
  stats(): CacheStats {
    let watches = 0;
    for (const list of this.watches.values()) watches += list.length;
    return { encodings: this.encodings, nodes: this.snapshots.size, watches };
  }

  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch {
    const answer = this.answer(request);
    if (answer) {
      respond(this.withSince(request, answer));
      return () => {};
    }
    const watch: Watch = { request, respond };
    const list = this.watches.get(request.nodeId);
    if (list) list.push(watch);
    else this.watches.set(request.nodeId, [watch]);
    return () => this.dropWatch(watch);
  }

  private dropWatch(watch: Watch): void {
    const nodeId = watch.request.nodeId;
    const list = this.watches.get(nodeId);
    const at = list ? list.indexOf(watch) : -1;
    if (at < 0) return;
    list!.splice(at, 1);
    if (list!.length === 0) this.watches.delete(nodeId);
  }

  fetch(request: WatchRequest): WatchResponse | undefined {
    const snapshot = this.snapshots.get(request.nodeId);
    // What is fetched is sent: it delivers the change as an answer would.
    return snapshot ? this.withSince(request, stateOf(request, snapshot)) : undefined;
  }

  /** Answers the node's watches touched by a change (all of them for a first snapshot), in push order. */
  private wake(nodeId: string, change: SnapshotChange | undefined): void {
    const list = this.watches.get(nodeId);
    if (!list) return;
    for (const typeUrl of ADS_PUSH_ORDER) {
      if (change && !change[typeUrl]) continue;
      let watched = false;
      for (const watch of [...list]) {
        if (watch.request.typeUrl !== typeUrl) continue;
        watched = true;
        const answer = this.answer(watch.request);
        if (!answer) continue;
        const at = list.indexOf(watch);
        // Gone already: a response given before this one cancelled it.
        if (at < 0) continue;
        list.splice(at, 1);
        watch.respond(this.withSince(watch.request, answer));
      }
      // A change no open watch was waiting for is delivered by nothing later:
      // keeping its time would stretch the next change's measure.
      if (watched) this.undelivered.get(nodeId)?.delete(typeUrl);
    }
    if (list.length === 0 && this.watches.get(nodeId) === list) this.watches.delete(nodeId);
  }

  /**
   * Remembers when a change was committed, per changed type, until an answer
   * carries it. Only for a node with open watches: a node no stream watches
   * gets its whole state on connect, which is not a change reaching a proxy.
   * A type without an open watch keeps it: its stream is between an answer
   * and its next watch, which the cache answers at once.
   */
  private noteSince(nodeId: string, change: SnapshotChange, since: number): void {
    if (!this.watches.get(nodeId)?.length) return;
    let byType = this.undelivered.get(nodeId);
    for (const typeUrl of Object.keys(change) as ResourceTypeUrl[]) {
      if (!byType) this.undelivered.set(nodeId, (byType = new Map()));
      const held = byType.get(typeUrl);
      byType.set(typeUrl, held === undefined ? since : Math.min(held, since));
    }
  }

  /** The answer with the commit time of the change it delivers, which is then delivered. */
  private withSince(request: WatchRequest, answer: WatchResponse): WatchResponse {
    const byType = this.undelivered.get(request.nodeId);
    const since = byType?.get(request.typeUrl);
    if (since === undefined) return answer;
    byType!.delete(request.typeUrl);
    if (byType!.size === 0) this.undelivered.delete(request.nodeId);
    return { ...answer, since };
  }

  private answer(request: WatchRequest): WatchResponse | undefined {
    const snapshot = this.snapshots.get(request.nodeId);
    if (!snapshot) return undefined;
    const state = stateOf(request, snapshot);
    if (request.answerWhenEmpty || state.removed.length > 0) return state;
    for (const r of state.resources.values()) {
      if (request.knownVersions.get(r.name) !== r.version) return state;
    }
    return undefined;
  }

  private intern(resource: Resource): Resource {
    // A Resource this cache made or interned is its own canonical copy: no key to build (a patch hands every
    // resource of a node back to setSnapshot).
    if (this.canonical.has(resource)) return resource;
    const key = `${resource.typeUrl}\0${resource.name}\0${resource.version}`;
    const held = this.interned.get(key)?.deref();
    if (held) return held;
    this.interned.set(key, new WeakRef(resource));
    this.canonical.add(resource);
    if (this.interned.size >= this.sweepAt) this.sweep();
    return resource;
  }

  /**
   * Drops the keys of Resources no one holds any more. The next sweep comes
   * when a table has doubled from what this one left, so sweeping costs a
   * constant per insertion however many resources are alive.
   */
  private sweep(): void {
    for (const [key, ref] of this.interned) if (!ref.deref()) this.interned.delete(key);
    for (const [key, ref] of this.byContent) if (!ref.deref()) this.byContent.delete(key);
    this.sweepAt = Math.max(MIN_SWEEP_AT, 2 * Math.max(this.interned.size, this.byContent.size));
  }
}

/**
 * A digest of a resource object's content text (its JSON, with each shared
 * part as the digest of its bytes: see contentTextOf), as a lookup key (a
 * digest, so the keys of many distinct resources stay small); undefined when
 * the object has no such text (a bigint, a part that does not encode).
 */
function contentKeyOf(typeUrl: ResourceTypeUrl, obj: ResourceObject): string | undefined {
  const text = contentTextOf(messageType(messageNameOf(typeUrl)), obj);
  return text === undefined ? undefined : createHash('sha256').update(typeUrl).update('\0').update(text).digest('base64url');
}

/**
 * The subscription's state. When it takes in every resource of the type (a
 * wildcard, or names that cover them all) the answer is the snapshot's own
 * map, which is never changed once set: streams keep it as what their proxy
 * holds, so proxies in step with their snapshot share it.
 */
function stateOf(request: WatchRequest, snapshot: NodeSnapshot): WatchResponse {
  const all = snapshot.get(request.typeUrl) ?? NO_RESOURCES;
  let resources: ReadonlyMap<string, Resource>;
  if (request.wildcard || coversAll(request.names, all)) {
    resources = all;
  } else {
    const some = new Map<string, Resource>();
    for (const name of request.names) {
      const r = all.get(name);
      if (r) some.set(name, r);
    }
    resources = some;
  }
  const removed: string[] = [];
  for (const name of request.knownVersions.keys()) {
    if (!resources.has(name) && (request.wildcard || request.names.has(name))) removed.push(name);
  }
  return { typeUrl: request.typeUrl, resources, removed };
}

function coversAll(names: ReadonlySet<string>, all: ReadonlyMap<string, Resource>): boolean {
  if (all.size > names.size) return false;
  for (const name of all.keys()) if (!names.has(name)) return false;
  return true;
}
