/** Percentiles, and reading samples back out of Prometheus text. */

/** p50/p99/max of a set of durations (ms), or null when empty. */
export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentiles of `values`. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] as number) };
}

/** Rounds to 0.1. */
export function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The value of a series in Prometheus text (`name{labels}` exactly as printed), or undefined. */
export function promSample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  return undefined;
}

/** The sum of every series of a family in Prometheus text. */
export function promSum(text: string, family: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${family} `) || line.startsWith(`${family}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
