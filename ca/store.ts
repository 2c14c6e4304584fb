/**
 * Where the CA keeps its state: one record holding JSON text, written with
 * compare-and-swap so that two servers initialising or rotating at once end
 * with one outcome. The catalog store offers such a record; tests use the
 * in-memory one below.
 */

/** A stored record and the index of its last write (always > 0 once written). */
export interface StoredRecord {
  value: string;
  modifyIndex: number;
}

type MaybePromise<T> = T | Promise<T>;

/** The CA's persistence: one CAS-guarded record plus change notification. */
export interface CAStateStore {
  /** The current record, or undefined before the first write. */
  get(): MaybePromise<StoredRecord | undefined>;
  /** Writes `value` if the record's index is still `expectedModifyIndex` (0: only if absent); false when someone else won. */
  cas(value: string, expectedModifyIndex: number): MaybePromise<boolean>;
  /** Calls `listener` after every successful write (own writes included); returns the unsubscribe function. */
  watch(listener: () => void): () => void;
}

/** An in-memory CAStateStore; `startIndex` lets tests mimic a store whose global index is already high. */
export class InMemoryCAStateStore implements CAStateStore {
  private record: StoredRecord | undefined;
  private index: number;
  private readonly listeners = new Set<() => void>();

  constructor(startIndex = 0) {
    this.index = startIndex;
  }

  /** Returns the current record. */
  get(): StoredRecord | undefined {
    return this.record;
  }

  /** Compare-and-swap; notifies watchers on success (in a microtask, never re-entrantly). */
  cas(value: string, expectedModifyIndex: number): boolean {
    const current = this.record?.modifyIndex ?? 0;
    if (current !== expectedModifyIndex) return false;
    this.index += 1;
    this.record = { value, modifyIndex: this.index };
    for (const l of [...this.listeners]) queueMicrotask(l);
    return true;
  }

  /** Subscribes to successful writes. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
