/**
 * A hashed timer wheel: one driving timer per tick instead of one Node timer per check.
 * Each check re-arms every interval; with per-check timers that is one Timeout object per
 * probe (1,000/s for 10,000 checks at 10 s) which lives a whole interval, gets promoted and
 * has to be collected from old space. The wheel keeps small handles in slot arrays instead.
 * Resolution is `tickMs`: a timer fires within one tick after its due time.
 */
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

interface WheelTimer {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

export interface TimerWheel extends Clock {
  /** Timers armed and not yet fired or cleared. */
  size(): number;
}

export interface TimerWheelOptions {
  /** Slot width in ms (default 10). */
  tickMs?: number;
  /** Number of slots (default 4096: 41 s at 10 ms; longer timers wait extra revolutions). */
  slots?: number;
  /** Time source and driver of the ticks (default: the system clock). */
  base?: Clock;
}

/** Creates a Clock whose timers share one driving timer; it idles when no timer is armed. */
export function createTimerWheel(opts: TimerWheelOptions = {}): TimerWheel {
  const tickMs = opts.tickMs ?? 10;
  const slotCount = opts.slots ?? 4096;
  const base = opts.base ?? systemClock;
  const slots: WheelTimer[][] = Array.from({ length: slotCount }, () => []);
  let armed = 0;
  // Every tick up to and including `cursor` has been processed.
  let cursor = Math.floor(base.now() / tickMs);
  let driver: TimerHandle | undefined;

  const place = (t: WheelTimer): void => {
    // A timer due in an already processed tick goes into the next one.
    const tick = Math.max(Math.ceil(t.due / tickMs), cursor + 1);
    (slots[tick % slotCount] as WheelTimer[]).push(t);
  };

  const processSlot = (tick: number, now: number, due: WheelTimer[]): void => {
    const bucket = slots[tick % slotCount] as WheelTimer[];
    let keep = 0;
    for (let i = 0; i < bucket.length; i++) {
      const t = bucket[i] as WheelTimer;
      if (t.cancelled) continue;
      if (t.due <= now) due.push(t);
      else bucket[keep++] = t; // due in a later revolution
    }
    bucket.length = keep;
  };

  const drive = (): void => {
    driver = undefined;
    const now = base.now();
    const target = Math.floor(now / tickMs);
    const due: WheelTimer[] = [];
    // After a long stall, one revolution covers every slot.
    const from = Math.max(cursor + 1, target - slotCount + 1);
    for (let tick = from; tick <= target; tick++) processSlot(tick, now, due);
    cursor = target;
    // Within one tick, earlier-due timers first (stable, so equal dues keep insertion order).
    if (due.length > 1) due.sort((a, b) => a.due - b.due);
    for (const t of due) {
      if (t.cancelled) continue;
      t.cancelled = true; // fired: clearTimer on it is a no-op now
      armed--;
      t.fn();
    }
    if (armed > 0 && driver === undefined) driver = base.setTimer(drive, tickMs - (base.now() % tickMs));
  };

  return {
    now: () => base.now(),
    setTimer(fn, ms) {
      if (armed === 0 && driver === undefined) cursor = Math.floor(base.now() / tickMs);
      const t: WheelTimer = { due: base.now() + Math.max(0, ms), fn, cancelled: false };
      place(t);
      armed++;
      if (driver === undefined) driver = base.setTimer(drive, tickMs - (base.now() % tickMs));
      return t;
    },
    clearTimer(handle) {
      const t = handle as WheelTimer;
      if (t.cancelled) return;
      t.cancelled = true; // dropped lazily when its slot is next visited
      armed--;
      if (armed === 0 && driver !== undefined) {
        base.clearTimer(driver);
        driver = undefined;
        for (const s of slots) s.length = 0;
      }
    },
    size: () => armed,
  };
}
