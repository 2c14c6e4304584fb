/**
 * What one ADS stream keeps per resource type: subscription, what the proxy
 * holds, nonces. Kept small, as there is one per type per connected proxy:
 * what the proxy holds is one name → Resource map (a Resource carries its
 * version), which is the cache's own map whenever the proxy holds exactly a
 * snapshot's set; times and nonces are numbers, formatted only when read.
 */
import type { CancelWatch, Resource, WatchRequest } from '../cache/index.ts';
import type { ResourceTypeUrl } from '../type-urls.ts';
import type { TypeStatus } from './proxy-status.ts';
import { isSharedNames, NO_NAMES } from './shared-names.ts';

/** A NACK as the stream records it (times in ms). */
export interface NackState {
  readonly version: string;
  readonly nonce: number;
  readonly at: number;
  readonly message: string;
  readonly code: number;
}

/** One type on one stream. */
export interface TypeState {
  readonly typeUrl: ResourceTypeUrl;
  wildcard: boolean;
  /** Names subscribed; often a set shared with other streams (shared-names.ts): changed only through `ownNames`. */
  names: ReadonlySet<string>;
  /**
   * The Resources the proxy was sent and not told to remove. Never mutated in
   * place: it may be a map the cache or an answer shares; `holdResource` and
   * `dropHeld` copy it first (`heldOwned` says whether it is ours).
   */
  held: ReadonlyMap<string, Resource>;
  heldOwned: boolean;
  /** Versions a delta client declared on reconnect for names it was not sent on this stream; usually absent. */
  declared: Map<string, string> | undefined;
  /** `held` and `declared` as name → version, for the cache's watches. */
  readonly known: ReadonlyMap<string, string>;
  cancel: CancelWatch | undefined;
  answered: boolean;
  /** The latest nonce sent (0: none); a nonce is `<stream id>-<number>` on the wire. */
  lastNonce: number;
  /**
   * The earliest commit time among changes sent since the proxy last replied
   * to the latest nonce. Only the latest nonce is ever ACKed (older ones are
   * stale), and its ACK covers everything sent before it, so one number per
   * type stands for the whole nonce → since map.
   */
  unackedSince: number | undefined;
  sentVersion: string | undefined;
  sentAt: number;
  ackedVersion: string | undefined;
  ackedNonce: number;
  ackedAt: number;
  nack: NackState | undefined;
  /** Requests ignored because their nonce was not the latest sent. */
  staleRequests: number;
}

const NOTHING: ReadonlyMap<string, Resource> = new Map();

/** A fresh state: nothing subscribed, nothing held. */
export function newTypeState(typeUrl: ResourceTypeUrl): TypeState {
  return new StreamTypeState(typeUrl);
}

/** A stream's types, in the order first requested: at most five, so an array rather than a Map per stream. */
export class TypeStates {
  private list: readonly TypeState[] = [];

  get(typeUrl: ResourceTypeUrl): TypeState | undefined {
    for (const st of this.list) if (st.typeUrl === typeUrl) return st;
    return undefined;
  }

  /** Adds a type not held yet. */
  add(st: TypeState): void {
    // A copy of the exact length: a push would leave room for more.
    this.list = [...this.list, st];
  }

  values(): IterableIterator<TypeState> {
    return this.list.values();
  }
}

/** Marks a type whose watch is being opened; an answer given at once clears it. */
const OPENING: CancelWatch = () => {};

/**
 * Opens the type's watch through `create`, whose answer must set `st.cancel`
 * to undefined: `st.cancel` is then the open watch's cancel, or undefined
 * when it was answered at once.
 */
export function openWatch(st: TypeState, create: (request: WatchRequest) => CancelWatch, request: WatchRequest): void {
  st.cancel = OPENING;
  const cancel = create(request);
  if (st.cancel === OPENING) st.cancel = cancel;
}

/** Stops the type's open watch, if any. */
export function closeWatch(st: TypeState): void {
  st.cancel?.();
  st.cancel = undefined;
}

/** The version the proxy holds of `name`, if any. */
export function knownVersion(st: TypeState, name: string): string | undefined {
  return st.held.get(name)?.version ?? st.declared?.get(name);
}

/** Whether the proxy holds some version of `name`. */
export function isKnown(st: TypeState, name: string): boolean {
  return st.held.has(name) || (st.declared?.has(name) ?? false);
}

/** Records that the proxy was sent `r`. */
export function holdResource(st: TypeState, r: Resource): void {
  const held = ownHeld(st);
  // Keyed by the Resource's own name string, shared with the cache, not the
  // copy decoded from the proxy's request.
  held.delete(r.name);
  held.set(r.name, r);
  // A shared set already holds names that outlive any one request.
  if (!isSharedNames(st.names) && st.names.has(r.name)) {
    const names = st.names as Set<string>;
    names.delete(r.name);
    names.add(r.name);
  }
  if (st.declared?.delete(r.name) && st.declared.size === 0) st.declared = undefined;
}

/** Records that the proxy no longer holds `name` (removed, or unsubscribed). */
export function dropHeld(st: TypeState, name: string): void {
  if (st.held.has(name)) ownHeld(st).delete(name);
  if (st.declared?.delete(name) && st.declared.size === 0) st.declared = undefined;
}

/**
 * Shares `resources` (the subscription's current state) as what the proxy
 * holds when it holds exactly those Resources: a proxy in step with its
 * snapshot then costs no map of its own. A version the proxy declared on
 * reconnect that is the current one is first taken as holding that Resource,
 * so a reconnected proxy shares too (and CSDS can show what it holds).
 */
export function shareHeld(st: TypeState, resources: ReadonlyMap<string, Resource>): void {
  if (st.declared) {
    for (const [name, r] of resources) if (st.declared?.get(name) === r.version) holdResource(st, r);
    if (st.declared) return;
  }
  if (st.held === resources || st.held.size !== resources.size) return;
  for (const [name, r] of resources) if (st.held.get(name) !== r) return;
  st.held = resources;
  st.heldOwned = false;
}

/** The type's subscribed names as a set of its own, copied first when shared. */
export function ownNames(st: TypeState): Set<string> {
  if (isSharedNames(st.names)) st.names = new Set(st.names);
  return st.names as Set<string>;
}

function ownHeld(st: TypeState): Map<string, Resource> {
  if (!st.heldOwned) {
    st.held = new Map(st.held);
    st.heldOwned = true;
  }
  return st.held as Map<string, Resource>;
}

/**
 * A type's state, which is also the read-only name → version view of what its
 * proxy holds (sent Resources, then declared versions) that the cache's
 * watches read: one object per type per stream, not two.
 */
class StreamTypeState implements TypeState, ReadonlyMap<string, string> {
  wildcard = false;
  names: ReadonlySet<string> = NO_NAMES;
  held: ReadonlyMap<string, Resource> = NOTHING;
  heldOwned = false;
  declared: Map<string, string> | undefined = undefined;
  cancel: CancelWatch | undefined = undefined;
  answered = false;
  lastNonce = 0;
  unackedSince: number | undefined = undefined;
  sentVersion: string | undefined = undefined;
  sentAt = 0;
  ackedVersion: string | undefined = undefined;
  ackedNonce = 0;
  ackedAt = 0;
  nack: NackState | undefined = undefined;
  staleRequests = 0;

  constructor(readonly typeUrl: ResourceTypeUrl) {}

  get known(): ReadonlyMap<string, string> {
    return this;
  }

  get size(): number {
    let n = this.held.size;
    if (this.declared) for (const name of this.declared.keys()) if (!this.held.has(name)) n++;
    return n;
  }

  get(name: string): string | undefined {
    return knownVersion(this, name);
  }

  has(name: string): boolean {
    return isKnown(this, name);
  }

  *entries(): MapIterator<[string, string]> {
    for (const [name, r] of this.held) yield [name, r.version];
    if (this.declared) for (const [name, v] of this.declared) if (!this.held.has(name)) yield [name, v];
  }

  *keys(): MapIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): MapIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}


/** True when both sets hold the same names. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** A type's state as status and CSDS show it (times as ISO text, nonces as on the wire). */
export function typeStatusOf(st: TypeState, nonceText: (n: number) => string): TypeStatus {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const out: TypeStatus = {
    typeUrl: st.typeUrl,
    wildcard: st.wildcard,
    subscribed: [...st.names].sort(),
    resources: [...st.known.keys()].sort(),
    staleRequests: st.staleRequests,
  };
  if (st.sentVersion !== undefined) out.lastSent = { version: st.sentVersion, nonce: nonceText(st.lastNonce), at: iso(st.sentAt) };
  if (st.ackedVersion !== undefined) out.lastAcked = { version: st.ackedVersion, nonce: nonceText(st.ackedNonce), at: iso(st.ackedAt) };
  const nack = st.nack;
  if (nack) out.lastNack = { version: nack.version, nonce: nonceText(nack.nonce), at: iso(nack.at), message: nack.message, code: nack.code };
  return out;
}
