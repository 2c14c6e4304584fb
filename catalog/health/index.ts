/** Health checking: Consul-style check definitions, their validation, and the runner that probes them. */
export { parseDuration, formatDuration } from './duration.ts';
export { validateCheckDefinition, normalizeCheckKeys, DEFAULT_TIMEOUT_MS } from './validate.ts';
export { HealthCheckRunner } from './runner.ts';
export type { RunnerOptions, RunnerStats, RunnerLogger, StatusUpdate, LastKnownState, TtlUpdateResult } from './runner.ts';
export { applyThresholds } from './thresholds.ts';
export { statusForHttpCode, HEALTH_CHECK_USER_AGENT } from './probe-http.ts';
export { systemClock } from './clock.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { createManualClock } from './manual-clock.ts';
export { createTimerWheel } from './timer-wheel.ts';
export type { TimerWheel, TimerWheelOptions } from './timer-wheel.ts';
export type { ManualClock } from './manual-clock.ts';
export { DEFAULT_MAX_OUTPUT_BYTES, truncateOutput } from './output.ts';
export { CHECK_STATUSES } from './types.ts';
export type { CheckDefinition, CheckSpec, CheckState, CheckStatus, CheckType, ProbeSpec, Validation } from './types.ts';
