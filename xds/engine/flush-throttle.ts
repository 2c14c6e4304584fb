/**
 * When the engine runs its next round of rebuilds. At most one round starts
 * per window: a change after a quiet spell is taken at once (on the next turn
 * of the event loop, so everything one commit touched goes together), and
 * changes arriving within the window after a round wait for the window's end
 * and go together. An isolated change pays no coalescing delay; a burst is
 * still pushed in rounds no closer than the window.
 */

/** Calls `run` at most once per `windowMs`, as early as that allows. */
export class FlushThrottle {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** When the last round started (ms, `now()`); -Infinity before the first. */
  private lastRunAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly run: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True while a round is scheduled and has not started. */
  get pending(): boolean {
    return this.timer !== undefined || this.immediate !== undefined;
  }

  /** Schedules a round unless one already is. */
  request(): void {
    if (this.pending) return;
    const wait = this.lastRunAt + this.windowMs - this.now();
    if (wait <= 0) this.immediate = setImmediate(() => this.fire());
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Drops a scheduled round. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.lastRunAt = this.now();
    this.run();
  }
}
