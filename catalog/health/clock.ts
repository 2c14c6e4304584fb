/** The time source the runner schedules with; injected so tests can drive time by hand. */

/** Opaque handle returned by Clock.setTimer. */
export type TimerHandle = { readonly __timerHandle: unique symbol } | object;

export interface Clock {
  /** Milliseconds on a monotonic-enough scale; only differences are used. */
  now(): number;
  /** Calls fn once after ms milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/**
 * The process clock: epoch milliseconds that never go backwards (the process start time plus
 * a monotonic counter, so a wall-clock step cannot stall or burst the schedule) and Node
 * timers, unref'd so checks alone never keep the process alive.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
