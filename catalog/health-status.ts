/** Health aggregation: an instance is as healthy as its worst check, its node's checks included. */
import type { CheckRecord, HealthStatus } from './types.ts';

const RANK: Record<HealthStatus, number> = { passing: 0, warning: 1, critical: 2 };

/** The worst status among `checks` (critical > warning > passing); passing when there are none. */
export function aggregateStatus(checks: readonly Pick<CheckRecord, 'Status'>[]): HealthStatus {
  let worst: HealthStatus = 'passing';
  for (const c of checks) if (RANK[c.Status] > RANK[worst]) worst = c.Status;
  return worst;
}

/** True for the three check states (`any` is not a state). */
export function isHealthStatus(s: string): s is HealthStatus {
  return s === 'passing' || s === 'warning' || s === 'critical';
}
