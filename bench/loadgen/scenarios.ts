/**
 * The benchmark's scenarios. Each one makes a change (or reconnects), says
 * which proxies must see it and how to recognise it in what they ACK, and
 * returns the convergence of every affected proxy, measured from the write's
 * acknowledgement (the HTTP API's response to the write, as a user sees it;
 * for `--churn-via store`, the store's apply resolving in the server) to
 * that proxy's ACK of a response carrying the change.
 *
 * "Carrying the change" is checked on content, not on any version guess:
 * an endpoint change must show the endpoint (gone, UNHEALTHY, HEALTHY or new)
 * in the ClusterLoadAssignment the proxy ACKed; a mesh-wide change must give
 * the proxy's public listener a version other than the one it held before.
 */
import { performance } from 'node:perf_hooks';
import type { CatalogOp } from '../../catalog/index.ts';
import { ENDPOINT_TYPE, LISTENER_TYPE } from '../../xds/index.ts';
import type { Expectation, Fleet, WaitOutcome } from './fleet.ts';
import { deleteConfigEntry, putConfigEntry, registerInstanceHttp, setCheckStatusHttp } from './http-writes.ts';
import { churnInstance, instanceOps, plannedNodeAddress, type MeshPlan, type PlannedInstance } from './mesh-plan.ts';
import { randomInt, type Random } from './prng.ts';
import type { ServerChild } from './server-child.ts';
import type { SimProxy } from './sim-proxy.ts';
import { openFileCount } from './proc-stats.ts';
import { spread } from './stats.ts';
import { endpointsOf } from './xds-codec.ts';

/** The names of the scenarios, in the order `all` runs them. */
export const SCENARIOS = ['endpoint', 'mesh-wide', 'reconnect', 'churn'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What a scenario needs. */
export interface ScenarioContext {
  server: ServerChild;
  fleet: Fleet;
  plan: MeshPlan;
  random: Random;
  timeoutMs: number;
  /** Rounds of the endpoint scenario (each: one instance critical, then passing again). */
  rounds: number;
  churnRate: number;
  churnSeconds: number;
  /** How churn registers its instances: `PUT /v1/catalog/register` (as a user would) or straight into the store over IPC. */
  churnVia: ChurnPath;
  /** Called around the first measured change, to record the responses it caused (for the replay ceiling). */
  record: (on: boolean) => void;
}

/** The two ways the churn scenario can register instances. */
export type ChurnPath = 'http' | 'store';

/** What a scenario observed. */
export interface ScenarioOutcome {
  description: string;
  writes: number;
  /** Proxies that had to see a change, counted once per write. */
  expected: number;
  /** Convergence of every (write, affected proxy) pair that converged, ms. */
  samples: number[];
  /** Per write: the last affected proxy's convergence, ms. */
  lastPerWrite: number[];
  missing: string[];
  /** Every proxy that had to see some change. */
  affected: Set<string>;
  /** Convergence (ms) of the recorded change, for the replay ratio. */
  recordedMs?: number;
  /** Connect and reconnect: from opening the streams to each proxy's first CDS response, ms; and how many never got one. */
  firstCds?: { samples: number[]; missing: number };
  /** Anything else a reader needs to judge the figures (e.g. the rate churn actually achieved). */
  note?: string;
}

function endpointName(p: SimProxy, service: string): string | undefined {
  const prefix = `${service}.default.`;
  for (const n of p.subscribed.get(ENDPOINT_TYPE) ?? []) if (n.startsWith(prefix)) return n;
  return undefined;
}

function publicListener(p: SimProxy): { name: string; version: string } | undefined {
  for (const [name, version] of p.held.get(LISTENER_TYPE) ?? []) if (name.startsWith('public_listener:')) return { name, version };
  return undefined;
}

/**
 * Runs `write`, waits for `expectations`, returns the outcome relative to the
 * write's acknowledgement (`write` resolving). Expectations are registered
 * first, so no push can slip past. If the write fails, its expectations are
 * dropped and every proxy awaiting it counts as missing.
 */
async function writeAndWait(
  ctx: ScenarioContext,
  write: () => Promise<unknown>,
  expectations: Expectation[],
): Promise<{ relative: Map<string, number>; outcome: WaitOutcome; error?: string }> {
  const waiting = ctx.fleet.expect(expectations, ctx.timeoutMs);
  try {
    await write();
  } catch (err) {
    waiting.cancel();
    await waiting.outcome;
    return { relative: new Map(), outcome: { times: new Map(), missing: [...new Set(expectations.map((e) => e.proxyId))] }, error: (err as Error).message };
  }
  const t0 = performance.now();
  const outcome = await waiting.outcome;
  const relative = new Map<string, number>();
  for (const [id, at] of outcome.times) relative.set(id, at - t0);
  return { relative, outcome };
}

/** One store transaction over IPC, acknowledged when the server's store has applied it. */
function applyOps(ctx: ScenarioContext, ops: CatalogOp[]): () => Promise<unknown> {
  return () => ctx.server.apply([ops]);
}

function emptyOutcome(description: string): ScenarioOutcome {
  return { description, writes: 0, expected: 0, samples: [], lastPerWrite: [], missing: [], affected: new Set() };
}

function add(into: ScenarioOutcome, r: { relative: Map<string, number>; outcome: WaitOutcome; error?: string }, expected: number): number {
  // A refused write leaves its proxies missing; the note says why (churn writes its own note with the same).
  if (r.error !== undefined) into.note = `${into.note ? `${into.note}; ` : ''}write failed: ${r.error}`;
  into.writes++;
  into.expected += expected;
  into.samples.push(...r.relative.values());
  into.missing.push(...r.outcome.missing);
  const last = Math.max(0, ...r.relative.values());
  into.lastPerWrite.push(last);
  return last;
}

/** Instances whose service some connected proxy depends on. */
function instancesWithDependents(ctx: ScenarioContext): PlannedInstance[] {
  return ctx.plan.instances.filter((i) => (ctx.plan.dependents.get(i.service) ?? []).some((id) => ctx.fleet.get(id)?.synced));
}

/**
 * (1) One endpoint changes: an instance's check goes critical, then passing
 * again, each a re-registration of the check through `PUT /v1/catalog/register`.
 */
export async function endpointScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const out = emptyOutcome('one instance: check critical, then passing, through PUT /v1/catalog/register (EDS of its dependents)');
  const candidates = instancesWithDependents(ctx);
  if (candidates.length === 0) throw new Error('endpoint scenario: no instance has a connected dependent (upstreams 0?)');
  for (let round = 0; round < ctx.rounds; round++) {
    const inst = candidates[randomInt(ctx.random, candidates.length)] as PlannedInstance;
    const nodeAddress = plannedNodeAddress(ctx.plan, inst);
    for (const status of ['critical', 'passing'] as const) {
      const health = status === 'critical' ? 'UNHEALTHY' : 'HEALTHY';
      const expectations: Expectation[] = [];
      for (const id of ctx.plan.dependents.get(inst.service) ?? []) {
        const p = ctx.fleet.get(id);
        const name = p?.synced ? endpointName(p, inst.service) : undefined;
        if (!p || !name) continue;
        out.affected.add(id);
        expectations.push({
          proxyId: id,
          typeUrl: ENDPOINT_TYPE,
          name,
          met: (u) => {
            const e = endpointsOf(u.value).find((x) => x.address === inst.address && x.port === inst.sidecarPort);
            return e !== undefined && e.health === health;
          },
        });
      }
      const first = round === 0 && status === 'critical';
      if (first) ctx.record(true);
      const r = await writeAndWait(ctx, () => setCheckStatusHttp(ctx.server.httpAddress, inst, status, nodeAddress), expectations);
      const last = add(out, r, expectations.length);
      if (first) {
        ctx.record(false);
        out.recordedMs = last;
      }
    }
  }
  return out;
}

/** The mesh-wide change: every source may call every destination (the server's default here is deny). */
const WILDCARD_ALLOW = { Kind: 'service-intentions', Name: '*', Sources: [{ Name: '*', Action: 'allow' }] };

/**
 * (2) A mesh-wide change: a wildcard allow intention (every inbound RBAC
 * changes) through `PUT /v1/config`, then its removal through
 * `DELETE /v1/config/service-intentions/*`.
 */
export async function meshWideScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const out = emptyOutcome('wildcard service-intentions * → * allow through PUT /v1/config, then DELETE (every public listener)');
  const http = ctx.server.httpAddress;
  const writes = [() => putConfigEntry(http, WILDCARD_ALLOW), () => deleteConfigEntry(http, 'service-intentions', '*')];
  for (const [i, write] of writes.entries()) {
    const expectations: Expectation[] = [];
    for (const p of ctx.fleet.proxies) {
      const listener = p.synced ? publicListener(p) : undefined;
      if (!listener) continue;
      out.affected.add(p.nodeId);
      expectations.push({ proxyId: p.nodeId, typeUrl: LISTENER_TYPE, name: listener.name, met: (u) => u.version !== listener.version });
    }
    if (i === 0) ctx.record(true);
    const r = await writeAndWait(ctx, write, expectations);
    const last = add(out, r, expectations.length);
    if (i === 0) {
      ctx.record(false);
      out.recordedMs = last;
    }
  }
  return out;
}

/** (3) Every proxy drops its connection and reconnects at once, with empty state (an Envoy restart). */
export async function reconnectScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const out = emptyOutcome('every proxy reconnects at once (new connection, empty state)');
  const proxies = ctx.fleet.proxies;
  const open = proxies.filter((p) => p.streaming).length;
  const fds = { generator: openFileCount(process.pid), server: openFileCount(ctx.server.pid) };
  ctx.fleet.disconnectAll();
  // Let both ends close the old connections before the new ones open, as after a network blip: the server sees the
  // streams end, and this process never holds old and new connections together (at 10,000 proxies that would be
  // 20,000 descriptors, the limit). At 1,000 proxies both counts fall within 100 ms.
  const closedBy = performance.now() + Math.min(ctx.timeoutMs, 60_000);
  await new Promise((r) => setTimeout(r, 200));
  const slack = 32;
  while (
    performance.now() < closedBy &&
    (openFileCount(process.pid) > fds.generator - open + slack || openFileCount(ctx.server.pid) > fds.server - open + slack)
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  ctx.record(true);
  const t0 = performance.now();
  const outcome = await ctx.fleet.connect(ctx.timeoutMs, proxies);
  ctx.record(false);
  const relative = new Map<string, number>();
  for (const [id, at] of outcome.times) relative.set(id, at - t0);
  for (const p of proxies) out.affected.add(p.nodeId);
  out.recordedMs = add(out, { relative, outcome }, proxies.length);
  out.firstCds = { samples: [...outcome.firstCds.values()].map((at) => at - t0), missing: proxies.length - outcome.firstCds.size };
  return out;
}

/**
 * (4) Steady churn: `churnRate` new instances a second for `churnSeconds`,
 * issued on schedule whether or not earlier ones were acknowledged (open
 * loop); each instance's dependents must see its endpoint. Through the HTTP
 * API an instance is two writes (application with its check, then sidecar)
 * and convergence runs from the sidecar's acknowledgement; through the store
 * it is one transaction.
 */
export async function churnScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const via = ctx.churnVia === 'http' ? 'PUT /v1/catalog/register' : 'store transactions';
  const out = emptyOutcome(`${ctx.churnRate} registrations/s for ${ctx.churnSeconds} s through ${via} (a new instance each; EDS of its dependents)`);
  const total = Math.max(1, Math.round(ctx.churnRate * ctx.churnSeconds));
  const candidates = instancesWithDependents(ctx);
  if (candidates.length === 0) throw new Error('churn scenario: no service has a connected dependent (upstreams 0?)');
  const services = [...new Set(candidates.map((c) => c.service))];
  const inflight: Array<Promise<void>> = [];
  const errors: string[] = [];
  let lastAck = 0;
  // How long each registration took to be acknowledged: convergence starts only then, so a slow write path shows here.
  const ackLatency: number[] = [];
  let issuedBy = 0;
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / ctx.churnRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const service = services[randomInt(ctx.random, services.length)] as string;
    const { inst, nodeAddress } = churnInstance(ctx.plan, k, service);
    const expectations: Expectation[] = [];
    for (const id of ctx.plan.dependents.get(service) ?? []) {
      const p = ctx.fleet.get(id);
      const name = p?.synced ? endpointName(p, service) : undefined;
      if (!p || !name) continue;
      out.affected.add(id);
      expectations.push({
        proxyId: id,
        typeUrl: ENDPOINT_TYPE,
        name,
        met: (u) => endpointsOf(u.value).some((x) => x.address === inst.address && x.port === inst.sidecarPort),
      });
    }
    let write: () => Promise<unknown>;
    if (ctx.churnVia === 'http') write = () => registerInstanceHttp(ctx.server.httpAddress, inst, { address: nodeAddress });
    else {
      // The node is written with its first instance only: rewriting a node touches every service on it.
      const newNode = k % ctx.plan.shape.instancesPerNode === 0;
      const node = { Node: inst.node, Address: nodeAddress, Datacenter: 'dc1', TaggedAddresses: {}, Meta: {} };
      write = applyOps(ctx, [...(newNode ? [{ op: 'upsertNode', node } as const] : []), ...instanceOps(inst)]);
    }
    const acked = async (): Promise<void> => {
      const issued = performance.now();
      await write();
      const at = performance.now();
      ackLatency.push(at - issued);
      lastAck = Math.max(lastAck, at);
    };
    inflight.push(
      writeAndWait(ctx, acked, expectations).then((r) => {
        if (r.error !== undefined) errors.push(r.error);
        add(out, r, expectations.length);
      }),
    );
    issuedBy = performance.now();
  }
  await Promise.all(inflight);
  const acks = total - errors.length;
  const ackSeconds = (lastAck - start) / 1000;
  const lat = spread(ackLatency);
  out.note =
    `issued ${total} in ${((issuedBy - start) / 1000).toFixed(1)} s; ${acks} acknowledged, the last ${ackSeconds.toFixed(1)} s after the start ` +
    `(${ackSeconds > 0 ? (acks / ackSeconds).toFixed(1) : '-'}/s achieved), acknowledged after p50 ${lat?.p50 ?? '-'} ms, p99 ${lat?.p99 ?? '-'} ms` +
    (errors.length > 0 ? `; ${errors.length} writes failed, e.g. ${errors[0]}` : '');
  return out;
}

/** Runs one scenario by name. */
export function runScenario(name: ScenarioName, ctx: ScenarioContext): Promise<ScenarioOutcome> {
  switch (name) {
    case 'endpoint':
      return endpointScenario(ctx);
    case 'mesh-wide':
      return meshWideScenario(ctx);
    case 'reconnect':
      return reconnectScenario(ctx);
    case 'churn':
      return churnScenario(ctx);
  }
}
