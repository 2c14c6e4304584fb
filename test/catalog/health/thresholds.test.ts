import { describe, expect, it } from 'vitest';
import { applyThresholds, type CheckState } from '../../../catalog/health/index.ts';

const pass: CheckState = { Status: 'passing', Output: 'p' };
const warn: CheckState = { Status: 'warning', Output: 'w' };
const fail: CheckState = { Status: 'critical', Output: 'f' };

function feed(cfg: { successBeforePassing: number; failuresBeforeWarning: number; failuresBeforeCritical: number }, results: CheckState[]) {
  const counters = { successes: 0, failures: 0 };
  return results.map((r) => applyThresholds(cfg, counters, r)?.Status ?? 'held');
}

describe('applyThresholds', () => {
  it('applies every result at once with no thresholds', () => {
    expect(feed({ successBeforePassing: 0, failuresBeforeWarning: 0, failuresBeforeCritical: 0 }, [pass, fail, warn, pass])).toEqual([
      'passing', 'critical', 'warning', 'passing',
    ]);
  });

  it('holds results until enough consecutive ones arrive', () => {
    expect(feed({ successBeforePassing: 2, failuresBeforeWarning: 3, failuresBeforeCritical: 3 }, [pass, fail, pass, pass, fail, fail, pass, fail, fail, fail])).toEqual([
      'held', 'held', 'held', 'passing', 'held', 'held', 'held', 'held', 'held', 'critical',
    ]);
  });

  it('counts a warning result as a success (it resets the failure count)', () => {
    expect(feed({ successBeforePassing: 0, failuresBeforeWarning: 2, failuresBeforeCritical: 2 }, [fail, warn, fail, fail])).toEqual([
      'held', 'warning', 'held', 'critical',
    ]);
  });

  it('reports warning between FailuresBeforeWarning and FailuresBeforeCritical', () => {
    const counters = { successes: 0, failures: 0 };
    const cfg = { successBeforePassing: 0, failuresBeforeWarning: 1, failuresBeforeCritical: 2 };
    expect(applyThresholds(cfg, counters, fail)).toEqual({ Status: 'warning', Output: 'f' });
    expect(applyThresholds(cfg, counters, fail)).toEqual(fail);
  });
});
