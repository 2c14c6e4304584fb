/**
 * A fleet of simulated proxies, and the two things a benchmark waits for:
 * every proxy of a set being synced (after connecting), and every proxy of a
 * set having ACKed a response that carries a given change ("expectations").
 */
import { performance } from 'node:perf_hooks';
import type { PlannedInstance } from './mesh-plan.ts';
import { seededRandom } from './prng.ts';
import { ReceivedVersions } from './received-versions.ts';
import type { SharedResource } from './shared-resources.ts';
import { SimProxy, type AcceptedUpdate, type SimAdsMode } from './sim-proxy.ts';

/** What one proxy must accept: an update of (type, name) whose content passes `met`. */
export interface Expectation {
  proxyId: string;
  typeUrl: string;
  name: string;
  met: (update: AcceptedUpdate) => boolean;
}

/** When each awaited proxy got there (ms, performance.now()), and which never did. */
export interface WaitOutcome {
  times: Map<string, number>;
  missing: string[];
}

/** A connect's outcome: when each proxy synced, and when each received its first CDS response. */
export interface ConnectOutcome extends WaitOutcome {
  firstCds: Map<string, number>;
}

interface Pending {
  exp: Expectation;
  done: (at: number) => void;
}

/** Fleet options. */
export interface FleetOptions {
  mode: SimAdsMode;
  nackRate: number;
  seed: number;
}

/** N simulated proxies, one per planned instance. */
export class Fleet {
  readonly proxies: SimProxy[];
  private readonly byId = new Map<string, SimProxy>();
  private readonly expectations = new Map<SimProxy, Map<string, Pending[]>>();
  private readonly syncWaiters = new Map<SimProxy, (at: number) => void>();
  recording = false;
  /** Every distinct (type, name, version) any proxy received since the fleet was made. */
  readonly receivedVersions = new ReceivedVersions();
  private versionWindow = new ReceivedVersions();

  constructor(
    instances: readonly PlannedInstance[],
    private readonly address: string,
    opts: FleetOptions,
  ) {
    const random = seededRandom(opts.seed ^ 0x5eed);
    this.proxies = instances.map(
      (inst) =>
        new SimProxy({
          nodeId: inst.proxyId,
          mode: opts.mode,
          cluster: inst.service,
          nackRate: opts.nackRate,
          random,
          recording: () => this.recording,
          onAccepted: (p, updates) => this.onAccepted(p, updates),
          onSynced: (p) => this.onSynced(p),
          onReceived: (resources) => this.onReceived(resources),
        }),
    );
    for (const p of this.proxies) this.byId.set(p.nodeId, p);
  }

  /** The proxy with this node id. */
  get(id: string): SimProxy | undefined {
    return this.byId.get(id);
  }

  /** Connects `proxies` (all by default), all at once, and waits until each is synced or `timeoutMs` passes. */
  async connect(timeoutMs: number, proxies: readonly SimProxy[] = this.proxies): Promise<ConnectOutcome> {
    const waiting = this.waitSynced(proxies, timeoutMs);
    for (const p of proxies) p.connect(this.address);
    const outcome = await waiting;
    const firstCds = new Map<string, number>();
    for (const p of proxies) if (p.firstCdsAt !== undefined) firstCds.set(p.nodeId, p.firstCdsAt);
    return { ...outcome, firstCds };
  }

  /** Closes every proxy's stream and channel. */
  disconnectAll(): void {
    // grpc-js reports each cancelled call as an Error (on the next tick) whose stack, with tsx's source maps, costs
    // ~0.2 ms to build (300 proxies: 150–210 ms of CPU against 90–105 ms without); nobody reads those stacks.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    for (const p of this.proxies) p.disconnect();
    setImmediate(() => {
      Error.stackTraceLimit = limit;
    });
  }

  /** Resolves when every proxy of `proxies` has synced (again), or at the timeout with the rest missing. */
  waitSynced(proxies: readonly SimProxy[], timeoutMs: number): Promise<WaitOutcome> {
    const times = new Map<string, number>();
    return new Promise((resolve) => {
      let left = proxies.length;
      const finish = (): void => {
        clearTimeout(timer);
        for (const p of proxies) this.syncWaiters.delete(p);
        resolve({ times, missing: proxies.filter((p) => !times.has(p.nodeId)).map((p) => p.nodeId) });
      };
      const timer = setTimeout(finish, timeoutMs);
      if (left === 0) return finish();
      for (const p of proxies) {
        this.syncWaiters.set(p, (at) => {
          this.syncWaiters.delete(p);
          times.set(p.nodeId, at);
          if (--left === 0) finish();
        });
      }
    });
  }

  /**
   * Registers expectations; the returned promise resolves when all are met or
   * at `timeoutMs`. Register before the write, so no push can slip past.
   */
  expect(expectations: readonly Expectation[], timeoutMs: number): { outcome: Promise<WaitOutcome>; cancel: () => void } {
    const times = new Map<string, number>();
    const pendings: Array<[SimProxy, string, Pending]> = [];
    let finish: () => void = () => undefined;
    const outcome = new Promise<WaitOutcome>((resolve) => {
      let left = expectations.length;
      const timer = setTimeout(() => finish(), timeoutMs);
      finish = () => {
        clearTimeout(timer);
        for (const [p, key, pending] of pendings) {
          const list = this.expectations.get(p)?.get(key);
          const i = list ? list.indexOf(pending) : -1;
          if (list && i >= 0) list.splice(i, 1);
        }
        const missing = [...new Set(expectations.map((e) => e.proxyId))].filter((id) => !times.has(id));
        resolve({ times, missing });
      };
      for (const exp of expectations) {
        const p = this.byId.get(exp.proxyId);
        if (!p) throw new Error(`expectation for unknown proxy "${exp.proxyId}"`);
        const key = `${exp.typeUrl}|${exp.name}`;
        let perProxy = this.expectations.get(p);
        if (!perProxy) this.expectations.set(p, (perProxy = new Map()));
        let list = perProxy.get(key);
        if (!list) perProxy.set(key, (list = []));
        const pending: Pending = {
          exp,
          done: (at) => {
            // A proxy with several expectations converges when its last one is met.
            times.set(exp.proxyId, Math.max(times.get(exp.proxyId) ?? 0, at));
            if (--left === 0) finish();
          },
        };
        list.push(pending);
        pendings.push([p, key, pending]);
      }
      if (left === 0) finish();
    });
    return { outcome, cancel: () => finish() };
  }

  /** Totals over the fleet. */
  totals(): { bytes: number; messages: number; acks: number; nacks: number; unexpectedNacks: number; streamErrors: number } {
    let bytes = 0;
    let messages = 0;
    let acks = 0;
    let nacks = 0;
    let unexpectedNacks = 0;
    let streamErrors = 0;
    for (const p of this.proxies) {
      bytes += p.bytes;
      messages += p.messages;
      acks += p.acks;
      nacks += p.nacks;
      unexpectedNacks += p.unexpectedNacks.length;
      streamErrors += p.streamFailures;
    }
    return { bytes, messages, acks, nacks, unexpectedNacks, streamErrors };
  }

  /** Per-proxy message counts (to find proxies pushed to that did not need it). */
  messageCounts(): Map<string, number> {
    return new Map(this.proxies.map((p) => [p.nodeId, p.messages]));
  }

  /** Ends the current window of received versions and starts a new one; returns the distinct triples received in the ended one. */
  takeVersionWindow(): ReceivedVersions {
    const window = this.versionWindow;
    this.versionWindow = new ReceivedVersions();
    return window;
  }

  /** Takes and clears every proxy's recorded responses. */
  takeRecordings(): Buffer[][] {
    return this.proxies.map((p) => {
      const r = p.recorded;
      p.recorded = [];
      return r;
    });
  }

  private onReceived(resources: readonly SharedResource[]): void {
    for (const r of resources) {
      this.receivedVersions.addResource(r);
      this.versionWindow.addResource(r);
    }
  }

  private onAccepted(p: SimProxy, updates: readonly AcceptedUpdate[]): void {
    const perProxy = this.expectations.get(p);
    if (!perProxy || perProxy.size === 0) return;
    const at = performance.now();
    for (const u of updates) {
      const list = perProxy.get(`${u.typeUrl}|${u.name}`);
      if (!list || list.length === 0) continue;
      for (const pending of [...list]) {
        if (!pending.exp.met(u)) continue;
        list.splice(list.indexOf(pending), 1);
        pending.done(at);
      }
      if (list.length === 0) perProxy.delete(`${u.typeUrl}|${u.name}`);
    }
  }

  private onSynced(p: SimProxy): void {
    this.syncWaiters.get(p)?.(performance.now());
  }
}
