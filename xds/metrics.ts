/**
 * A small metrics registry: counters, gauges and histograms with labels, and
 * their Prometheus text exposition (format 0.0.4) and a Consul-like JSON
 * shape. Values are either set by the code that owns them or pulled at
 * scrape time by collectors, so a scrape never walks the mesh more than once.
 */

/** Label names to values; order does not matter. */
export type Labels = Readonly<Record<string, string>>;

/** What kind of series a family holds. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One histogram series: cumulative bucket counts by upper bound, plus sum and count. */
export interface HistogramValue {
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative counts, one per bound. */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** A family of series sharing a name, help text and kind. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly kind: MetricKind;
  readonly series: ReadonlyArray<{ labels: Labels; value: number | HistogramValue }>;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

function checkLabels(metric: string, labels: Labels): void {
  for (const k of Object.keys(labels)) if (!LABEL_RE.test(k)) throw new Error(`metric ${metric}: invalid label name "${k}"`);
}

abstract class Family {
  protected readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    if (!NAME_RE.test(name)) throw new Error(`invalid metric name "${name}"`);
  }
  protected slot(labels: Labels): { labels: Labels; value: number } {
    const key = labelKey(labels);
    let s = this.values.get(key);
    if (!s) {
      checkLabels(this.name, labels);
      s = { labels: { ...labels }, value: 0 };
      this.values.set(key, s);
    }
    return s;
  }
  /** The current value of one series (0 if never touched). */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }
}

/** A value that only goes up. */
export class Counter extends Family {
  readonly kind = 'counter';
  /** Adds `by` (≥ 0) to the series named by `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name}: increment must be a non-negative number, got ${by}`);
    this.slot(labels).value += by;
  }
  /** Raises the series to `total`, a monotonic total kept elsewhere (never lowers it). */
  setTotal(labels: Labels, total: number): void {
    const s = this.slot(labels);
    if (total > s.value) s.value = total;
  }
  snapshot(): MetricFamily {
    return { name: this.name, help: this.help, kind: this.kind, series: [...this.values.values()].map((s) => ({ ...s })) };
  }
}

/** A value that goes up and down. */
export class Gauge extends Family {
  readonly kind = 'gauge';
  /** Sets the series named by `labels`. */
  set(labels: Labels, value: number): void {
    this.slot(labels).value = value;
  }
  /** Forgets every series (before a collector sets the current ones). */
  reset(): void {
    this.values.clear();
  }
  snapshot(): MetricFamily {
    return { name: this.name, help: this.help, kind: this.kind, series: [...this.values.values()].map((s) => ({ ...s })) };
  }
}

/** Observations counted into fixed buckets. */
export class Histogram {
  readonly kind = 'histogram';
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    if (!NAME_RE.test(name)) throw new Error(`invalid metric name "${name}"`);
    for (let i = 1; i < bounds.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number))) throw new Error(`histogram ${name}: bucket bounds must ascend`);
    }
  }
  /** Records one observation. */
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      checkLabels(this.name, labels);
      s = { labels: { ...labels }, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Buckets are stored non-cumulative and summed at scrape time.
    const i = this.bounds.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }
  snapshot(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      kind: this.kind,
      series: [...this.series.values()].map((s) => {
        let run = 0;
        const cumulative = s.counts.map((c) => (run += c));
        return { labels: s.labels, value: { bounds: this.bounds, cumulative, sum: s.sum, count: s.count } };
      }),
    };
  }
}

type AnyFamily = Counter | Gauge | Histogram;

/** Holds metric families and collectors that refresh them right before each scrape. */
export class MetricsRegistry {
  private readonly families = new Map<string, AnyFamily>();
  private readonly collectors: Array<() => void> = [];

  /** Creates (or returns the existing) counter `name`. */
  counter(name: string, help: string): Counter {
    return this.family(name, () => new Counter(name, help), Counter);
  }

  /** Creates (or returns the existing) gauge `name`. */
  gauge(name: string, help: string): Gauge {
    return this.family(name, () => new Gauge(name, help), Gauge);
  }

  /** Creates (or returns the existing) histogram `name` with the given upper bounds. */
  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.family(name, () => new Histogram(name, help, bounds), Histogram);
  }

  /** Adds a function run before every scrape, which sets gauges and counters from their sources. */
  addCollector(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** Runs the collectors and returns every family, sorted by name. */
  collect(): MetricFamily[] {
    for (const c of this.collectors) c();
    return [...this.families.values()].map((f) => f.snapshot()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private family<T extends AnyFamily>(name: string, make: () => T, ctor: abstract new (...args: never[]) => T): T {
    const existing = this.families.get(name);
    if (existing) {
      if (!(existing instanceof ctor)) throw new Error(`metric ${name} is already registered as a ${existing.kind}`);
      return existing;
    }
    const f = make();
    this.families.set(name, f);
    return f;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Renders families in the Prometheus text exposition format (version 0.0.4). */
export function toPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${f.name} ${f.kind}`);
    for (const s of f.series) {
      if (typeof s.value === 'number') {
        lines.push(`${f.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
        continue;
      }
      const h = s.value;
      h.bounds.forEach((b, i) => lines.push(`${f.name}_bucket${formatLabels(s.labels, ['le', formatNumber(b)])} ${h.cumulative[i] ?? 0}`));
      lines.push(`${f.name}_bucket${formatLabels(s.labels, ['le', '+Inf'])} ${h.count}`);
      lines.push(`${f.name}_sum${formatLabels(s.labels)} ${formatNumber(h.sum)}`);
      lines.push(`${f.name}_count${formatLabels(s.labels)} ${h.count}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The content type of `toPrometheusText` output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
