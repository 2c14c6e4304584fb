/** Resources replaced recently, kept so that content coming back is found, not encoded again. */
import type { Resource } from './resource.ts';

/** How long a replaced Resource is kept at least (ms); it goes in the second window after. */
const RETIRED_WINDOW_MS = 60_000;

/**
 * Resources replaced in the last one or two windows, held strongly. The
 * cache finds equal content through weak references only, so without this a
 * Resource no proxy holds any more is collected, and its content, if it comes
 * back, is encoded again.
 */
export class RecentlyRetired {
  private current = new Set<Resource>();
  /** Never read: it holds the window before this one alive. */
  private previous = new Set<Resource>();
  private since = performance.now();

  /** Keeps `r` (if any) for this window and the next. */
  keep(r: Resource | undefined): void {
    if (!r) return;
    const now = performance.now();
    if (now - this.since >= RETIRED_WINDOW_MS) {
      // A window with no replacement at all leaves nothing to keep from before it.
      this.previous = now - this.since >= 2 * RETIRED_WINDOW_MS ? new Set() : this.current;
      this.current = new Set();
      this.since = now;
    }
    this.current.add(r);
  }
}
