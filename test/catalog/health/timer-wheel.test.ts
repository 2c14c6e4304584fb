import { describe, expect, it } from 'vitest';
import { createManualClock, createTimerWheel } from '../../../catalog/health/index.ts';

describe('createTimerWheel', () => {
  it('fires each timer within one tick after its due time, including timers beyond one revolution', () => {
    const base = createManualClock(0);
    const wheel = createTimerWheel({ tickMs: 10, slots: 8, base }); // 80 ms per revolution
    const fired: Array<[string, number]> = [];
    for (const [name, ms] of [['a', 5], ['b', 10], ['c', 35], ['d', 200], ['e', 0]] as const) {
      wheel.setTimer(() => fired.push([name, base.now()]), ms);
    }
    base.advance(1000);
    expect(fired.map(([n]) => n)).toEqual(['e', 'a', 'b', 'c', 'd']);
    const due: Record<string, number> = { a: 5, b: 10, c: 35, d: 200, e: 0 };
    for (const [name, at] of fired) {
      expect(at).toBeGreaterThanOrEqual(due[name] as number);
      expect(at).toBeLessThanOrEqual((due[name] as number) + 10);
    }
    expect(wheel.size()).toBe(0);
    expect(base.pending()).toBe(0); // idles with nothing armed
  });

  it('does not fire cleared timers and keeps count', () => {
    const base = createManualClock(0);
    const wheel = createTimerWheel({ tickMs: 10, base });
    const fired: string[] = [];
    const a = wheel.setTimer(() => fired.push('a'), 50);
    wheel.setTimer(() => fired.push('b'), 50);
    expect(wheel.size()).toBe(2);
    wheel.clearTimer(a);
    wheel.clearTimer(a);
    expect(wheel.size()).toBe(1);
    base.advance(100);
    expect(fired).toEqual(['b']);
  });

  it('lets a firing timer arm the next one (periodic re-arming)', () => {
    const base = createManualClock(0);
    const wheel = createTimerWheel({ tickMs: 10, base });
    const at: number[] = [];
    const tick = (): void => {
      at.push(base.now());
      if (at.length < 5) wheel.setTimer(tick, 100);
    };
    wheel.setTimer(tick, 100);
    base.advance(1000);
    expect(at).toEqual([100, 200, 300, 400, 500]);
  });

  it('catches up after the driver was starved for longer than a revolution', () => {
    // A base clock whose driver callback runs only when the test says so, as with a blocked event loop.
    let now = 0;
    let driver: (() => void) | undefined;
    const base = {
      now: () => now,
      setTimer: (fn: () => void) => ((driver = fn), {}),
      clearTimer: () => (driver = undefined),
    };
    const wheel = createTimerWheel({ tickMs: 10, slots: 4, base });
    const fired: string[] = [];
    wheel.setTimer(() => fired.push('a'), 15);
    wheel.setTimer(() => fired.push('b'), 95);
    wheel.setTimer(() => fired.push('late'), 1000);
    now = 500;
    driver?.();
    expect(fired).toEqual(['a', 'b']);
    expect(wheel.size()).toBe(1);
    now = 1000;
    driver?.();
    expect(fired).toEqual(['a', 'b', 'late']);
  });
});
