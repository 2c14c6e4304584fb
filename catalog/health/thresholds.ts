/** Consul's SuccessBeforePassing / FailuresBefore{Warning,Critical} counting, as a pure step function. */
import type { CheckState } from './types.ts';

export interface ThresholdConfig {
  successBeforePassing: number;
  failuresBeforeWarning: number;
  failuresBeforeCritical: number;
}

export interface ThresholdCounters {
  successes: number;
  failures: number;
}

/**
 * Feeds one probe result through the thresholds. Returns the state to report, or undefined
 * while the result is held back (the check keeps its current state and output). A passing
 * or warning result counts as a success and resets the failure count, and the other way
 * round, so only consecutive results count. Thresholds of 0 or 1 apply results at once.
 */
export function applyThresholds(cfg: ThresholdConfig, counters: ThresholdCounters, result: CheckState): CheckState | undefined {
  if (result.Status === 'passing' || result.Status === 'warning') {
    counters.failures = 0;
    counters.successes++;
    return counters.successes >= cfg.successBeforePassing ? result : undefined;
  }
  counters.successes = 0;
  counters.failures++;
  if (counters.failures >= cfg.failuresBeforeCritical) return result;
  if (counters.failures >= cfg.failuresBeforeWarning) return { Status: 'warning', Output: result.Output };
  return undefined;
}
