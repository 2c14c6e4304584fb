/**
 * Durations written the way Consul's configuration writes them (Go's
 * `time.Duration` text: "72h", "1h30m", "90s", "250ms").
 */

/** Parses a Go-style duration into milliseconds; undefined when the text is not one. */
export { tryParseDuration as parseDuration } from '../catalog/durations.ts';

/** Formats milliseconds as a compact Go-style duration ("72h", "1h30m", "45s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
