/**
 * The cache answers a stream holds and has not written yet: at most one per
 * type, the latest. xDS state is a state, not a log: when a proxy reads slower
 * than its configuration changes, the versions in between may be skipped, so
 * what a stalled stream holds is bounded by its subscriptions, not by the
 * number of changes.
 */
import type { ResourceTypeUrl } from '../type-urls.ts';
import type { WatchResponse } from '../cache/index.ts';

/**
 * The answer that replaces `older` by `newer` when `older` was never written.
 * `newer` was computed against the versions in `older`, so its removals are
 * relative to `older`; the proxy holds what it was sent before `older`, so a
 * name `older` removed stays removed unless `newer` brings it back. The change
 * behind `older` is still undelivered: the earlier `since` is kept.
 */
export function mergeAnswers(older: WatchResponse, newer: WatchResponse): WatchResponse {
  const removed = new Set<string>();
  for (const n of older.removed) if (!newer.resources.has(n)) removed.add(n);
  for (const n of newer.removed) if (!newer.resources.has(n)) removed.add(n);
  const since = older.since === undefined ? newer.since : newer.since === undefined ? older.since : Math.min(older.since, newer.since);
  return { typeUrl: newer.typeUrl, resources: newer.resources, removed: [...removed], ...(since === undefined ? {} : { since }) };
}

/** Told when a stream starts (+1) or stops (-1) holding answers. */
export interface QueueObserver {
  queueChanged(delta: 1 | -1): void;
}

/** The latest unwritten answer per type, with a count of the answers it replaced. */
export class PendingAnswers {
  // Absent while nothing is held, which is most of a stream's life: no empty map per stream.
  private answers: Map<ResourceTypeUrl, WatchResponse> | undefined;
  private replaced = 0;

  /** `observer.queueChanged(+1)` when the first answer arrives, `(-1)` when the last one leaves. */
  constructor(private readonly observer: QueueObserver | undefined) {}

  /** Holds `answer`, merged into the one already held for its type (counted as skipped). */
  put(answer: WatchResponse): void {
    if (!this.answers) {
      this.answers = new Map([[answer.typeUrl, answer]]);
      this.observer?.queueChanged(1);
      return;
    }
    const held = this.answers.get(answer.typeUrl);
    if (held) this.replaced++;
    this.answers.set(answer.typeUrl, held ? mergeAnswers(held, answer) : answer);
  }

  /** The answer held for a type, if any. */
  get(typeUrl: ResourceTypeUrl): WatchResponse | undefined {
    return this.answers?.get(typeUrl);
  }

  /** Drops the answer held for a type (its subscription changed). */
  delete(typeUrl: ResourceTypeUrl): void {
    if (this.answers?.delete(typeUrl) && this.answers.size === 0) {
      this.answers = undefined;
      this.observer?.queueChanged(-1);
    }
  }

  /** Types with an answer held. */
  types(): ResourceTypeUrl[] {
    return this.answers ? [...this.answers.keys()] : [];
  }

  /** Hands over every answer held and holds none. */
  takeAll(): Map<ResourceTypeUrl, WatchResponse> {
    const all = this.answers;
    if (!all) return new Map();
    this.answers = undefined;
    this.observer?.queueChanged(-1);
    return all;
  }

  /** Answers replaced by a later one before being written: pushes the proxy never saw. */
  get skipped(): number {
    return this.replaced;
  }

  get size(): number {
    return this.answers?.size ?? 0;
  }
}
