/**
 * Connects the health-check runner to the store: the agent node's HTTP, TCP,
 * gRPC and TTL checks run in the runner; their results are written back as
 * check status; TTL updates from the API refresh the runner's deadline; a
 * service whose check stays critical past DeregisterCriticalServiceAfter is
 * removed. Only the agent's own node is probed (catalog-registered checks are
 * managed by whoever registered them, as in Consul).
 */
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  HealthCheckRunner,
  truncateOutput,
  type CheckDefinition as RunnerCheckDefinition,
  type RunnerOptions,
} from './health/index.ts';
import type { CatalogStore } from './store.ts';
import type { CatalogOp, ChangeEvent, CheckRecord, HealthStatus, WriteResult } from './types.ts';

const RUNNABLE_TYPES = new Set(['http', 'tcp', 'grpc', 'ttl']);

/** Log sink for sync problems (pino-compatible). */
export interface HealthSyncLogger {
  warn(obj: object, msg: string): void;
}

function runnerDefinition(c: CheckRecord): RunnerCheckDefinition {
  const d = c.Definition;
  return {
    CheckID: c.CheckID,
    Name: c.Name,
    ServiceID: c.ServiceID || undefined,
    Notes: c.Notes,
    Interval: d.Interval,
    Timeout: d.Timeout,
    TTL: d.TTL,
    HTTP: d.HTTP,
    Method: d.Method,
    Header: d.Header,
    Body: d.Body,
    TLSSkipVerify: d.TLSSkipVerify,
    TCP: d.TCP,
    GRPC: d.GRPC,
    GRPCUseTLS: d.GRPCUseTLS,
    DeregisterCriticalServiceAfter: d.DeregisterCriticalServiceAfter,
    TLSServerName: d.TLSServerName,
    SuccessBeforePassing: d.SuccessBeforePassing,
    FailuresBeforeWarning: d.FailuresBeforeWarning,
    FailuresBeforeCritical: d.FailuresBeforeCritical,
  };
}

/** Runs the agent node's checks and keeps the store in step with them. */
export class HealthSync {
  private readonly runner: HealthCheckRunner;
  /** The definition each running check was started with, to notice re-registrations. */
  private readonly running = new Map<string, string>();
  /** Status writes of ours not yet committed, per check: until then the store lags the runner on purpose. */
  private readonly writesInFlight = new Map<string, number>();
  private readonly maxOutputBytes: number;
  private unsubscribe: (() => void) | undefined;
  private reconcileQueued = false;

  constructor(
    private readonly store: CatalogStore,
    private readonly node: string,
    private readonly logger: HealthSyncLogger,
    runnerOptions: Omit<RunnerOptions, 'onStatus' | 'onDeregister'> = {},
  ) {
    this.maxOutputBytes = runnerOptions.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.runner = new HealthCheckRunner({
      ...runnerOptions,
      logger,
      onStatus: (checkId, update) => void this.writeStatus(checkId, update.Status, update.Output),
      onDeregister: (serviceId) => void this.deregister(serviceId),
    });
  }

  /** Starts every persisted check (with its last known status, so a restart does not flap) and follows changes. */
  start(): void {
    this.reconcile();
    this.unsubscribe = this.store.subscribe((ev) => this.onChange(ev));
  }

  /** Records a TTL check's status from the API: refreshes its deadline and writes the status. */
  async updateTTL(checkId: string, status: HealthStatus, output: string): Promise<WriteResult> {
    if (this.running.has(checkId)) this.runner.updateTTL(checkId, status, output);
    return this.tracked(checkId, () => this.store.apply([{ op: 'setCheckStatus', node: this.node, checkId, status, output }]));
  }

  /** Stops probing and following the store. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.runner.stop();
  }

  /** Runner counters, for metrics. */
  stats(): ReturnType<HealthCheckRunner['stats']> {
    return this.runner.stats();
  }

  private onChange(ev: ChangeEvent): void {
    if (!ev.nodes.has(this.node) || this.reconcileQueued) return;
    // Once for all the events of a group commit (published together): each reconcile lists every check on the node.
    this.reconcileQueued = true;
    queueMicrotask(() => {
      this.reconcileQueued = false;
      if (this.unsubscribe) this.reconcile();
    });
  }

  private reconcile(): void {
    const seen = new Set<string>();
    for (const c of this.store.listChecks({ node: this.node })) {
      if (!RUNNABLE_TYPES.has(c.Type)) continue;
      seen.add(c.CheckID);
      const def = runnerDefinition(c);
      const key = JSON.stringify(def);
      const previous = this.running.get(c.CheckID);
      const stored = { Status: c.Status, Output: truncateOutput(c.Output, this.maxOutputBytes) };
      const overwritten = previous !== undefined && this.writtenByOthers(c.CheckID, stored);
      if (previous === key && !overwritten) continue;
      // A status someone else wrote (a re-registration with Status, /v1/catalog/register) is taken
      // over by restarting the check from it; keeping the runner's own state instead would leave
      // that status in the store for good, since the runner reports changes only.
      const result = previous === undefined || overwritten ? this.runner.add(def, stored) : this.runner.update(def);
      if (result.ok) this.running.set(c.CheckID, key);
      else this.logger.warn({ checkId: c.CheckID, errors: result.errors }, 'check cannot run');
    }
    for (const id of [...this.running.keys()]) {
      if (!seen.has(id)) {
        this.runner.remove(id);
        this.running.delete(id);
      }
    }
  }

  /** True if the stored status differs from the runner's and no write of ours explains it. */
  private writtenByOthers(checkId: string, stored: { Status: HealthStatus; Output: string }): boolean {
    if (this.writesInFlight.has(checkId)) return false;
    const state = this.runner.get(checkId);
    return state !== undefined && (state.Status !== stored.Status || state.Output !== stored.Output);
  }

  private async tracked(checkId: string, write: () => Promise<WriteResult>): Promise<WriteResult> {
    this.writesInFlight.set(checkId, (this.writesInFlight.get(checkId) ?? 0) + 1);
    try {
      return await write();
    } finally {
      const left = (this.writesInFlight.get(checkId) ?? 1) - 1;
      if (left > 0) this.writesInFlight.set(checkId, left);
      else this.writesInFlight.delete(checkId);
    }
  }

  private async writeStatus(checkId: string, status: HealthStatus, output: string): Promise<void> {
    if (!this.store.getCheck(this.node, checkId)) return;
    const res = await this.tracked(checkId, () => this.store.apply([{ op: 'setCheckStatus', node: this.node, checkId, status, output }]));
    if (!res.ok && res.reason !== 'not-found') this.logger.warn({ checkId, reason: res.message }, 'check status not saved');
  }

  private async deregister(serviceId: string): Promise<void> {
    if (!this.store.getService(this.node, serviceId)) return;
    const ops: CatalogOp[] = [{ op: 'deleteService', node: this.node, serviceId }];
    for (const s of this.store.listServicesOnNode(this.node)) {
      if (s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceID === serviceId) ops.push({ op: 'deleteService', node: this.node, serviceId: s.ID });
    }
    this.logger.warn({ serviceId }, 'deregistering service: critical for longer than DeregisterCriticalServiceAfter');
    await this.store.apply(ops);
  }
}
