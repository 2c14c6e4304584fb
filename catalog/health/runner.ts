/**
 * The health-check runner: schedules HTTP/TCP/gRPC probes and TTL deadlines for registered
 * checks and reports state changes through callbacks. It knows nothing of the store.
 */
import type { Clock, TimerHandle } from './clock.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, truncateOutput } from './output.ts';
import { probeGrpc } from './probe-grpc.ts';
import { probeHttp } from './probe-http.ts';
import { probeTcp } from './probe-tcp.ts';
import type { ProbeOptions, ProbeResult } from './probe.ts';
import { applyThresholds } from './thresholds.ts';
import { createTimerWheel } from './timer-wheel.ts';
import { CHECK_STATUSES, type CheckSpec, type CheckState, type CheckStatus, type ProbeSpec, type Validation } from './types.ts';
import { validateCheckDefinition } from './validate.ts';

/** State a check had before a restart; `CriticalSince` (clock ms) keeps the deregistration countdown going. */
export interface LastKnownState extends CheckState {
  CriticalSince?: number;
}

export interface StatusUpdate extends CheckState {
  ServiceID: string | undefined;
  /** When the current critical spell began (clock ms; epoch ms with the default clock), for persisting. */
  CriticalSince: number | undefined;
}

export interface RunnerLogger {
  warn(obj: object, msg: string): void;
}

export interface RunnerOptions {
  /** Called only when a check's Status or Output changes. */
  onStatus: (checkId: string, update: StatusUpdate) => void;
  /** Called once per critical spell that outlasts DeregisterCriticalServiceAfter; the caller removes the service. */
  onDeregister?: (serviceId: string, checkId: string) => void;
  /**
   * Time source and timers. Default: a timer wheel (10 ms ticks) on the system clock, which
   * used ~22% less CPU than one Node timer per check at 10,000 checks with the same
   * event-loop lag (bench/health-bench.ts); pass `systemClock` for per-check Node timers.
   */
  clock?: Clock;
  /** Uniform in [0, 1); spreads each check's first probe over its interval. */
  random?: () => number;
  /** Probes in flight at once across all checks; further due checks wait in FIFO order. Default 256. */
  maxConcurrentProbes?: number;
  /** Shorter intervals are raised to this (Consul: 1s). */
  minIntervalMs?: number;
  /** Shorter DeregisterCriticalServiceAfter values are raised to this (Consul: 1m). */
  minDeregisterAfterMs?: number;
  maxOutputBytes?: number;
  /** Reuse HTTP connections between probes. Off by default, like Consul: each probe connects afresh. */
  httpKeepAlive?: boolean;
  logger?: RunnerLogger;
}

export interface RunnerStats {
  checks: number;
  inFlight: number;
  queued: number;
  probesStarted: number;
  probesCompleted: number;
  /** Ticks skipped because the check's previous probe was still running or queued. */
  ticksSkipped: number;
  statusUpdates: number;
}

export type TtlUpdateResult = { ok: true } | { ok: false; reason: 'not-found' | 'not-ttl' | 'bad-status'; error: string };

interface Entry {
  spec: CheckSpec;
  state: CheckState;
  counters: { successes: number; failures: number };
  intervalMs: number;
  nextDue: number;
  tickTimer: TimerHandle | undefined;
  ttlTimer: TimerHandle | undefined;
  deregTimer: TimerHandle | undefined;
  criticalSince: number | undefined;
  inFlight: AbortController | undefined;
  queued: boolean;
  removed: boolean;
}

/** Runs registered checks until removed or stopped; see RunnerOptions for the knobs. */
export class HealthCheckRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxConcurrent: number;
  private readonly minIntervalMs: number;
  private readonly minDeregisterAfterMs: number;
  private readonly maxOutputBytes: number;
  // FIFO of checks due while the concurrency cap was reached; `queueHead` avoids O(n) shifts.
  private queue: Entry[] = [];
  private queueHead = 0;
  private active = 0;
  private stopped = false;
  private readonly counts = { probesStarted: 0, probesCompleted: 0, ticksSkipped: 0, statusUpdates: 0 };

  constructor(private readonly opts: RunnerOptions) {
    this.clock = opts.clock ?? createTimerWheel({ tickMs: 10 });
    this.random = opts.random ?? Math.random;
    this.maxConcurrent = Math.max(1, opts.maxConcurrentProbes ?? 256);
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
    this.minDeregisterAfterMs = opts.minDeregisterAfterMs ?? 60_000;
    this.maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  }

  /**
   * Validates and starts a check, replacing any check with the same ID. Its state starts as
   * `lastKnown` (e.g. persisted before a restart, so it does not flap), else the definition's
   * Status, else critical. No onStatus call is made for that initial state.
   */
  add(definition: unknown, lastKnown?: LastKnownState): Validation<CheckSpec> {
    if (this.stopped) throw new Error('health-check runner is stopped');
    const v = validateCheckDefinition(definition);
    if (!v.ok) return v;
    const spec = v.value;
    const previous = this.entries.get(spec.CheckID);
    if (previous) this.discard(previous);
    const state: CheckState = lastKnown
      ? { Status: lastKnown.Status, Output: truncateOutput(lastKnown.Output, this.maxOutputBytes) }
      : { Status: spec.initialStatus, Output: '' };
    this.start(spec, state, state.Status === 'critical' ? (lastKnown?.CriticalSince ?? this.clock.now()) : undefined);
    return v;
  }

  /**
   * Adds many checks (e.g. every persisted check at startup), yielding to the event loop
   * every `batchSize` adds so that re-adding 10,000 checks does not block it in one go.
   */
  async addAll(items: Iterable<{ definition: unknown; lastKnown?: LastKnownState }>, batchSize = 500): Promise<Array<Validation<CheckSpec>>> {
    const results: Array<Validation<CheckSpec>> = [];
    for (const item of items) {
      if (this.stopped) break;
      results.push(this.add(item.definition, item.lastKnown));
      if (results.length % batchSize === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  }

  /** Replaces a check's definition keeping its current state and critical-since time; adds it if unknown. */
  update(definition: unknown): Validation<CheckSpec> {
    if (this.stopped) throw new Error('health-check runner is stopped');
    const v = validateCheckDefinition(definition);
    if (!v.ok) return v;
    const previous = this.entries.get(v.value.CheckID);
    if (!previous) return this.add(definition);
    this.discard(previous);
    this.start(v.value, previous.state, previous.criticalSince);
    return v;
  }

  /** Stops and forgets a check; returns false if it was not registered. */
  remove(checkId: string): boolean {
    const entry = this.entries.get(checkId);
    if (!entry) return false;
    this.discard(entry);
    this.entries.delete(checkId);
    return true;
  }

  /** Records a TTL check's status (the API's pass/warn/fail/update) and restarts its TTL. */
  updateTTL(checkId: string, status: CheckStatus, output = ''): TtlUpdateResult {
    const entry = this.entries.get(checkId);
    if (!entry) return { ok: false, reason: 'not-found', error: `unknown check ID ${JSON.stringify(checkId)}` };
    if (entry.spec.probe.type !== 'ttl') {
      return { ok: false, reason: 'not-ttl', error: `check ${JSON.stringify(checkId)} is a ${entry.spec.probe.type.toUpperCase()} check, not a TTL check` };
    }
    if (!CHECK_STATUSES.includes(status)) {
      return { ok: false, reason: 'bad-status', error: `Status: must be one of passing, warning, critical, got ${JSON.stringify(status)}` };
    }
    this.armTtl(entry, entry.spec.probe.ttlMs);
    this.setState(entry, { Status: status, Output: output });
    return { ok: true };
  }

  /** The check's current state (with CriticalSince while critical), or undefined if it is not registered. */
  get(checkId: string): LastKnownState | undefined {
    const e = this.entries.get(checkId);
    if (!e) return undefined;
    return e.criticalSince === undefined ? { ...e.state } : { ...e.state, CriticalSince: e.criticalSince };
  }

  /** The validated spec of a registered check. */
  spec(checkId: string): CheckSpec | undefined {
    return this.entries.get(checkId)?.spec;
  }

  /** Counters for monitoring and benchmarks. */
  stats(): RunnerStats {
    return { checks: this.entries.size, inFlight: this.active, queued: this.queue.length - this.queueHead, ...this.counts };
  }

  /** Stops every check and cancels in-flight probes; the runner cannot be used afterwards. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) this.discard(entry);
    this.entries.clear();
    this.queue = [];
    this.queueHead = 0;
  }

  private start(spec: CheckSpec, state: CheckState, criticalSince: number | undefined): void {
    const probe = spec.probe;
    let intervalMs = 0;
    if (probe.type !== 'ttl') {
      intervalMs = Math.max(probe.intervalMs, this.minIntervalMs, 1);
      if (intervalMs !== probe.intervalMs) {
        this.opts.logger?.warn({ checkId: spec.CheckID, intervalMs: probe.intervalMs, minIntervalMs: this.minIntervalMs }, 'check interval raised to the minimum');
      }
    }
    const entry: Entry = {
      spec,
      state: { ...state },
      counters: { successes: 0, failures: 0 },
      intervalMs,
      nextDue: 0,
      tickTimer: undefined,
      ttlTimer: undefined,
      deregTimer: undefined,
      criticalSince,
      inFlight: undefined,
      queued: false,
      removed: false,
    };
    this.entries.set(spec.CheckID, entry);
    if (probe.type === 'ttl') this.armTtl(entry, probe.ttlMs);
    else {
      // Random first run within one interval spreads many checks evenly over time.
      const delay = Math.floor(this.random() * intervalMs);
      entry.nextDue = this.clock.now() + delay;
      entry.tickTimer = this.clock.setTimer(() => this.tick(entry), delay);
    }
    if (criticalSince !== undefined) this.armDeregister(entry);
  }

  private discard(entry: Entry): void {
    entry.removed = true;
    for (const t of [entry.tickTimer, entry.ttlTimer, entry.deregTimer]) if (t !== undefined) this.clock.clearTimer(t);
    entry.tickTimer = entry.ttlTimer = entry.deregTimer = undefined;
    entry.inFlight?.abort();
  }

  // Fixed-rate schedule: the next tick is armed before this one's probe runs, so the spread
  // set by the initial stagger is kept; a tick that finds the previous probe unfinished is skipped.
  private tick(entry: Entry): void {
    if (entry.removed) return;
    const now = this.clock.now();
    let next = entry.nextDue + entry.intervalMs;
    if (next <= now) next += Math.ceil((now - next + 1) / entry.intervalMs) * entry.intervalMs;
    entry.nextDue = next;
    entry.tickTimer = this.clock.setTimer(() => this.tick(entry), next - now);
    if (entry.inFlight !== undefined || entry.queued) {
      this.counts.ticksSkipped++;
      return;
    }
    if (this.active < this.maxConcurrent) this.launch(entry);
    else {
      entry.queued = true;
      this.queue.push(entry);
    }
  }

  private launch(entry: Entry): void {
    const ac = new AbortController();
    entry.inFlight = ac;
    this.active++;
    this.counts.probesStarted++;
    const opts: ProbeOptions = { timeoutMs: 0, signal: ac.signal, maxOutputBytes: this.maxOutputBytes, keepAlive: this.opts.httpKeepAlive === true };
    void runProbe(entry.spec.probe, opts).then(
      (result) => this.finish(entry, result),
      (err: unknown) => this.finish(entry, { Status: 'critical', Output: `check failed: ${(err as Error).message}` }),
    );
  }

  private finish(entry: Entry, result: CheckState): void {
    this.active--;
    this.counts.probesCompleted++;
    entry.inFlight = undefined;
    if (!entry.removed) {
      const next = applyThresholds(entry.spec, entry.counters, result);
      if (next !== undefined) this.setState(entry, next);
    }
    this.drain();
  }

  private drain(): void {
    while (this.active < this.maxConcurrent && this.queueHead < this.queue.length) {
      const entry = this.queue[this.queueHead++] as Entry;
      entry.queued = false;
      if (!entry.removed) this.launch(entry);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private armTtl(entry: Entry, ttlMs: number): void {
    if (entry.ttlTimer !== undefined) this.clock.clearTimer(entry.ttlTimer);
    entry.ttlTimer = this.clock.setTimer(() => {
      entry.ttlTimer = undefined;
      if (!entry.removed) this.setState(entry, { Status: 'critical', Output: 'TTL expired' });
    }, ttlMs);
  }

  private setState(entry: Entry, next: CheckState): void {
    const output = truncateOutput(next.Output, this.maxOutputBytes);
    const prev = entry.state;
    if (prev.Status === next.Status && prev.Output === output) return;
    entry.state = { Status: next.Status, Output: output };
    if (next.Status === 'critical' && prev.Status !== 'critical') {
      entry.criticalSince = this.clock.now();
      this.armDeregister(entry);
    } else if (next.Status !== 'critical' && prev.Status === 'critical') {
      entry.criticalSince = undefined;
      if (entry.deregTimer !== undefined) this.clock.clearTimer(entry.deregTimer);
      entry.deregTimer = undefined;
    }
    this.counts.statusUpdates++;
    try {
      this.opts.onStatus(entry.spec.CheckID, { ...entry.state, ServiceID: entry.spec.ServiceID, CriticalSince: entry.criticalSince });
    } catch (err) {
      this.opts.logger?.warn({ err, checkId: entry.spec.CheckID }, 'onStatus callback threw');
    }
  }

  private armDeregister(entry: Entry): void {
    const after = entry.spec.deregisterCriticalServiceAfterMs;
    const serviceId = entry.spec.ServiceID;
    if (after === undefined || serviceId === undefined || entry.criticalSince === undefined) return;
    if (entry.deregTimer !== undefined) this.clock.clearTimer(entry.deregTimer);
    const due = entry.criticalSince + Math.max(after, this.minDeregisterAfterMs);
    entry.deregTimer = this.clock.setTimer(() => {
      entry.deregTimer = undefined;
      if (entry.removed || entry.state.Status !== 'critical') return;
      try {
        this.opts.onDeregister?.(serviceId, entry.spec.CheckID);
      } catch (err) {
        this.opts.logger?.warn({ err, checkId: entry.spec.CheckID, serviceId }, 'onDeregister callback threw');
      }
    }, due - this.clock.now());
  }
}

/** Runs one probe of any type (TTL checks have none and never get here). */
function runProbe(probe: ProbeSpec, opts: ProbeOptions): ProbeResult {
  switch (probe.type) {
    case 'http':
      return probeHttp(probe, { ...opts, timeoutMs: probe.timeoutMs });
    case 'tcp':
      return probeTcp(probe.host, probe.port, { ...opts, timeoutMs: probe.timeoutMs });
    case 'grpc':
      return probeGrpc(probe, { ...opts, timeoutMs: probe.timeoutMs });
    case 'ttl':
      return Promise.resolve({ Status: 'critical', Output: 'TTL checks are not probed' });
    default:
      return assertNever(probe);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled probe type ${JSON.stringify(x)}`);
}
