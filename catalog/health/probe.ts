/** What every probe takes and returns. */
import type { CheckState } from './types.ts';

export interface ProbeOptions {
  timeoutMs: number;
  /** Aborted when the check is removed or the runner stops; the probe then settles promptly. */
  signal?: AbortSignal;
  maxOutputBytes?: number;
  /** HTTP only: reuse connections between probes (see RunnerOptions.httpKeepAlive). */
  keepAlive?: boolean;
}

/** A probe resolves to the check's new state and never rejects. */
export type ProbeResult = Promise<CheckState>;

/** Milliseconds as a short human string for messages ("10s", "250ms"). */
export function describeMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
