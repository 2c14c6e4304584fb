import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlushThrottle } from '../../xds/engine/flush-throttle.ts';

describe('FlushThrottle: when the engine starts a rebuild round', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function throttle(windowMs: number): { t: FlushThrottle; runs: number[] } {
    const runs: number[] = [];
    const t = new FlushThrottle(windowMs, () => runs.push(Date.now()), () => Date.now());
    return { t, runs };
  }

  it('takes a change after a quiet spell on the next turn of the loop, not after the window', async () => {
    const { t, runs } = throttle(1_000);
    const start = Date.now();
    t.request();
    t.request(); // the same commit touching more: one round
    expect(t.pending).toBe(true);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([start]);
    expect(t.pending).toBe(false);
  });

  it('gathers changes arriving within the window after a round into one round at its end', async () => {
    const { t, runs } = throttle(50);
    const start = Date.now();
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(10);
    t.request();
    await vi.advanceTimersByTimeAsync(20);
    t.request();
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(19);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([start, start + 50]);
  });

  it('starts rounds no closer than the window under a steady stream of changes', async () => {
    const { t, runs } = throttle(50);
    for (let ms = 0; ms < 500; ms += 7) {
      t.request();
      await vi.advanceTimersByTimeAsync(7);
    }
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(runs.length).toBeGreaterThanOrEqual(9);
  });

  it('drops a scheduled round on cancel', async () => {
    const { t, runs } = throttle(50);
    t.request();
    t.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual([]);
    expect(t.pending).toBe(false);
  });
});
