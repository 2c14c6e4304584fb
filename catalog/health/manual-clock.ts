/** A Clock moved by hand, for deterministic tests of TTLs, staggering and deregistration. */
import type { Clock, TimerHandle } from './clock.ts';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

export interface ManualClock extends Clock {
  /** Moves time forward by ms, firing due timers in order (timers they set are honoured too). */
  advance(ms: number): void;
  /** Number of timers not yet fired or cleared. */
  pending(): number;
}

/** Creates a clock that starts at `start` ms and only moves when advance() is called. */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Set<PendingTimer>();
  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const t of timers) {
      if (t.at <= limit && (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  };
  return {
    now: () => now,
    setTimer(fn, ms) {
      const t: PendingTimer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.add(t);
      return t;
    },
    clearTimer(handle: TimerHandle) {
      timers.delete(handle as PendingTimer);
    },
    advance(ms) {
      const target = now + ms;
      for (let t = nextDue(target); t !== undefined; t = nextDue(target)) {
        timers.delete(t);
        now = t.at;
        t.fn();
      }
      now = target;
    },
    pending: () => timers.size,
  };
}
