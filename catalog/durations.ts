// The one Go-duration parser of the project; policy/, ca/ and api/ use it through catalog/index.ts.
/**
 * Go-style durations ("10s", "1m30s", "500ms", "2h45m", "1.5h"), the format Consul uses
 * for Interval, Timeout, TTL and DeregisterCriticalServiceAfter. A JSON number is taken
 * as nanoseconds, as Go's time.Duration marshals to.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// One "<number><unit>" component; Go allows "1.", ".5" but not "." alone.
const COMPONENT = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Parses a Go duration string (or a number of nanoseconds) into milliseconds; throws an Error naming the value when it is not one. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`invalid duration ${String(value)}: not a finite number of nanoseconds`);
    return value / 1e6;
  }
  if (typeof value !== 'string') throw new Error(`invalid duration ${JSON.stringify(value)}: expected a string like "10s"`);
  let rest = value;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  // Go accepts a bare zero without a unit, and nothing else unit-less.
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`invalid duration ${JSON.stringify(value)}: empty`);
  let total = 0;
  while (rest.length > 0) {
    const m = COMPONENT.exec(rest);
    if (!m) {
      const hint = /^\d+(\.\d*)?$/.test(rest) ? 'missing unit (use ns, us, ms, s, m or h)' : `unexpected ${JSON.stringify(rest)}`;
      throw new Error(`invalid duration ${JSON.stringify(value)}: ${hint}`);
    }
    const [whole, num, unit] = m;
    total += Number(num) * (UNIT_MS[unit as string] ?? Number.NaN);
    rest = rest.slice((whole as string).length);
  }
  if (!Number.isFinite(total)) throw new Error(`invalid duration ${JSON.stringify(value)}: out of range`);
  return sign * total;
}

/** Formats milliseconds the way Go prints a duration ("1m30s", "500ms", "0s"), so values round-trip through parseDuration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let abs = Math.abs(ms);
  if (abs < 1) {
    const us = abs * 1000;
    return us < 1 ? `${sign}${trimNumber(us * 1000)}ns` : `${sign}${trimNumber(us)}µs`;
  }
  if (abs < 1000) return `${sign}${trimNumber(abs)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  abs -= hours * 3_600_000;
  const minutes = Math.floor(abs / 60_000);
  abs -= minutes * 60_000;
  const seconds = trimNumber(abs / 1000);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

// Up to nanosecond precision, without trailing zeros or floating-point noise.
function trimNumber(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** Like parseDuration for text that may not be a duration: milliseconds, or undefined when it is not one. */
export function tryParseDuration(text: string): number | undefined {
  try {
    return parseDuration(text.trim());
  } catch {
    return undefined;
  }
}
