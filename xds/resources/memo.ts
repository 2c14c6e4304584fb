/**
 * Built resources shared between proxies. Most of a sidecar's resources are
 * the same for many proxies: an upstream's endpoints for every proxy with that
 * upstream, its cluster for every instance of the same service, the roots for
 * everyone. A BuildMemo hands back the object built the first time for the
 * same inputs, so a change rebuilds each shared resource once, and the cache
 * (which recognises an object it has encoded before) and the validator (which
 * remembers objects that passed) do their work once per distinct resource.
 *
 * A memoized builder must read nothing but its key's inputs: the key is the
 * whole input. Keys are either a small JSON text of scalar parameters, or an
 * object's identity (the gatherer shares an upstream's endpoint list, and an
 * inbound authorization, between every proxy gathered at the same store
 * state) plus such a text. Shared objects are never mutated after building.
 */
import type { BuiltResource } from './common.ts';

/** Entries kept per generation; the older generation is dropped when the newer one fills. */
const GENERATION_SIZE = 100_000;

/** Where builders find resources already built for the same inputs. */
export interface BuildMemo {
  /** The resource for `key` (a JSON text of every input `build` reads), built on first use. */
  byKey(key: string, build: () => BuiltResource): BuiltResource;
  /** The resource for inputs `inputs` (by identity) and `key` (the other inputs), built on first use. */
  byIdentity(inputs: object, key: string, build: () => BuiltResource): BuiltResource;
  /**
   * A part of a resource (a message shared by several resources), like
   * byIdentity. The part is frozen: the validator and the cache take a frozen
   * message object as shared and immutable, and check and encode it once.
   */
  part<T extends object>(inputs: object, key: string, build: () => T): T;
  /**
   * The resource for `slot` while `values` (compared with ===, so long strings
   * cost nothing) stay the same; rebuilt and replaced when one changes.
   */
  byValues(slot: string, values: readonly unknown[], build: () => BuiltResource): BuiltResource;
}

/** Builds every time: the plain, unshared translation (tests, offline rendering). */
export const NO_MEMO: BuildMemo = {
  byKey: (_key, build) => build(),
  byIdentity: (_inputs, _key, build) => build(),
  part: (_inputs, _key, build) => build(),
  byValues: (_slot, _values, build) => build(),
};

/** A BuildMemo with bounded memory: two generations of keyed entries, and weak identity entries. */
export class SharedBuilds implements BuildMemo {
  private current = new Map<string, BuiltResource>();
  private previous = new Map<string, BuiltResource>();
  /**
   * Held weakly: once encoded, a resource lives on as the cache's Resource
   * (found again by content), so a built object one proxy alone uses (its
   * listeners) need not stay in memory with every proxy; proxies built in the
   * same round still share it.
   */
  private readonly identity = new WeakMap<object, KeyedSlot<WeakRef<BuiltResource>>>();
  private readonly parts = new WeakMap<object, KeyedSlot<object>>();
  private readonly slots = new Map<string, { values: readonly unknown[]; built: BuiltResource }>();
  private hits = 0;
  private misses = 0;

  byKey(key: string, build: () => BuiltResource): BuiltResource {
    let built = this.current.get(key);
    if (built) {
      this.hits++;
      return built;
    }
    built = this.previous.get(key);
    if (built) this.hits++;
    else (this.misses++, (built = build()));
    this.current.set(key, built);
    if (this.current.size >= GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
    }
    return built;
  }

  byIdentity(inputs: object, key: string, build: () => BuiltResource): BuiltResource {
    const held = slotGet(this.identity.get(inputs), key)?.deref();
    if (held) {
      this.hits++;
      return held;
    }
    this.misses++;
    const built = build();
    this.identity.set(inputs, slotSet(this.identity.get(inputs), key, new WeakRef(built)));
    return built;
  }

  part<T extends object>(inputs: object, key: string, build: () => T): T {
    const held = slotGet(this.parts.get(inputs), key) as T | undefined;
    if (held) return held;
    // Frozen: the mark of a shared part, which the validator and the cache check and encode once (xds/cache/encode-message.ts).
    const built = Object.freeze(build());
    this.parts.set(inputs, slotSet(this.parts.get(inputs), key, built));
    return built;
  }

  byValues(slot: string, values: readonly unknown[], build: () => BuiltResource): BuiltResource {
    const held = this.slots.get(slot);
    if (held && held.values.length === values.length && held.values.every((v, i) => v === values[i])) {
      this.hits++;
      return held.built;
    }
    this.misses++;
    const built = build();
    this.slots.set(slot, { values: [...values], built });
    return built;
  }

  /** How often a resource was found already built, and how often it had to be built. */
  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }
}

/**
 * What is kept per input object: most objects (an upstream, an authorization)
 * are asked for under one key only, so a single entry is kept as such and a
 * Map made only for a second key (a Map per upstream cost ~200 B per proxy).
 */
type KeyedSlot<T> = { readonly key: string; readonly value: T } | Map<string, T>;

function slotGet<T>(slot: KeyedSlot<T> | undefined, key: string): T | undefined {
  if (!slot) return undefined;
  if (slot instanceof Map) return slot.get(key);
  return slot.key === key ? slot.value : undefined;
}

function slotSet<T>(slot: KeyedSlot<T> | undefined, key: string, value: T): KeyedSlot<T> {
  if (!slot) return { key, value };
  if (slot instanceof Map) return slot.set(key, value);
  return new Map([[slot.key, slot.value], [key, value]]);
}

/** A memo key from a builder's inputs. */
export function memoKey(...inputs: unknown[]): string {
  return JSON.stringify(inputs);
}
