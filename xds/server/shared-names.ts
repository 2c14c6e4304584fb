/**
 * Subscribed-name sets shared between streams. Every instance of a service
 * subscribes to the same endpoint and secret names, and every wildcard type
 * to none: one set per distinct subscription, rather than a hash table per
 * type per connected proxy. A shared set is never changed; a stream that
 * changes its subscription copies it first (`ownNames` in type-state.ts).
 */
import { createHash } from 'node:crypto';

/** The one empty subscription (wildcard types, and types not yet named). */
export const NO_NAMES: ReadonlySet<string> = new Set<string>();

const shared = new WeakSet<ReadonlySet<string>>([NO_NAMES]);
// Digest of the names in order → the shared set. A digest, so the key of a set of long names stays small.
const byDigest = new Map<string, WeakRef<ReadonlySet<string>>>();

/** True when `names` is a shared set, which must not be changed. */
export function isSharedNames(names: ReadonlySet<string>): boolean {
  return shared.has(names);
}

/**
 * The shared set holding the same names in the same order as `names` (which
 * becomes that shared set if none was held). Order is kept: the cache answers
 * named resources in subscription order, and sharing must not change that.
 */
export function shareNames(names: ReadonlySet<string>): ReadonlySet<string> {
  if (names.size === 0) return NO_NAMES;
  if (shared.has(names)) return names;
  const hash = createHash('sha256');
  for (const n of names) hash.update(n).update('\0');
  // 16 bytes as their own short string (slicing the full digest's text would keep that text alive).
  const digest = hash.digest().subarray(0, 16).toString('base64url');
  const held = byDigest.get(digest)?.deref();
  if (held && sameOrder(held, names)) return held;
  byDigest.set(digest, new WeakRef(names));
  shared.add(names);
  if (byDigest.size > 4096 && byDigest.size % 1024 === 0) sweep();
  return names;
}

function sameOrder(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  const it = b.values();
  for (const x of a) if (it.next().value !== x) return false;
  return true;
}

function sweep(): void {
  for (const [key, ref] of byDigest) if (!ref.deref()) byDigest.delete(key);
}
