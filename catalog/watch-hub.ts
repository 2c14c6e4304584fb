/**
 * Wakes waiters by topic. A waiter costs one small object and one Set entry
 * per topic it watches; a change wakes only waiters on the topics it touched,
 * so 10,000 parked readers cost nothing until something they read changes.
 */
import type { ChangeEvent } from './types.ts';
import { topicsOfEvent } from './topics.ts';

interface Waiter {
  topics: readonly string[];
  settle(changed: boolean): void;
}

/** Fan-out of committed change events to subscribers and topic waiters. */
export class WatchHub {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly listeners = new Set<(ev: ChangeEvent) => void>();

  /** Delivers a committed change: listeners first, then every waiter on a touched topic. */
  publish(ev: ChangeEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        // A failing subscriber must not stop the others from hearing of the change.
      }
    }
    for (const t of topicsOfEvent(ev)) {
      const set = this.waiters.get(t);
      if (!set) continue;
      for (const w of [...set]) w.settle(true);
    }
  }

  /** Calls `listener` after every committed change; returns the unsubscribe function. */
  subscribe(listener: (ev: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves true when a change touches one of `topics`, false when
   * `timeoutMs` passes or `signal` aborts. The caller checks the topics'
   * current index before calling, in the same tick, so no change is missed.
   */
  wait(topics: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(false);
      let done = false;
      const onAbort = (): void => waiter.settle(false);
      const waiter: Waiter = {
        topics,
        settle: (changed) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          for (const t of topics) {
            const set = this.waiters.get(t);
            if (!set) continue;
            set.delete(waiter);
            if (set.size === 0) this.waiters.delete(t);
          }
          resolve(changed);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const t of topics) {
        let set = this.waiters.get(t);
        if (!set) this.waiters.set(t, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /** How many waiters are parked (for tests and metrics). */
  waiterCount(): number {
    const all = new Set<Waiter>();
    for (const set of this.waiters.values()) for (const w of set) all.add(w);
    return all.size;
  }
}
