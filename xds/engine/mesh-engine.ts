/**
 * The mesh engine: keeps every connected proxy's resources current. It sits
 * in front of the SnapshotCache as the ConfigWatcher the ADS server talks to,
 * so it learns which proxies are connected (and, for proxyless gRPC, which
 * listeners they ask for). For each one it gathers a ProxySnapshot, builds
 * and validates the resources, and publishes them. A store change rebuilds
 * only the proxies whose snapshot read something the change touched. A change
 * after a quiet spell is built at once; changes arriving within the coalescing
 * window after a round are gathered into the next one (FlushThrottle).
 */
import type { Logger } from 'pino';
import type { CatalogStore, ChangeEvent } from '../../catalog/index.ts';
import { type CancelWatch, type ConfigWatcher, type Resource, type SnapshotCache, type WatchRequest, type WatchResponse } from '../cache/index.ts';
import { buildProxyResources, resourceSetOf, SharedBuilds, sidecarInboundListener, upstreamAssignments } from '../resources/index.ts';
import { destinationAuthorization, gatherProxySnapshot, SharedReads, type GatherContext, type SnapshotDependencies } from '../snapshot/gather.ts';
import type { UpstreamSnapshot } from '../snapshot/types.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, type ResourceTypeUrl } from '../type-urls.ts';
import { formatViolation, validateResource, validateResourceSet } from '../validate/index.ts';
import { DependencyIndex } from './dependency-index.ts';
import { FlushThrottle } from './flush-throttle.ts';
import { RegistrationIndex } from './registration-index.ts';
import { newTrackedProxy, type ProxyProblem, type TrackedProxy } from './tracked-proxy.ts';
import { inputsOf, sameInputs, sidecarInboundOf, trustDomainOf, withAuthorization } from './build-inputs.ts';

export type { ProxyProblem } from './tracked-proxy.ts';

/** Everything the engine needs. */
export interface MeshEngineOptions extends GatherContext {
  cache: SnapshotCache;
  logger: Logger;
  /** The coalescing window (ms): rebuild rounds start at most this often. Default 50. */
  coalesceMs?: number;
  /** How long a proxy with no open watch is kept before it is forgotten (ms). Default 60 s. */
  idleForgetMs?: number;
}

/** Proxies rebuilt between two yields to the event loop. */
const FLUSH_SLICE = 50;
/** Patches applied between two yields (a patch costs a tenth of a build or less). */
const PATCH_SLICE = 200;

const NO_DEPS: SnapshotDependencies = { connect: [], configEntries: [] };

/** Keeps proxies' resources in the cache in step with the store and the CA. */
export class MeshEngine implements ConfigWatcher {
  private readonly proxies = new Map<string, TrackedProxy>();
  /** Catalog reads shared by every proxy rebuilt at the same store state. */
  private readonly shared = new SharedReads();
  /** Resources built once and shared by every proxy with the same inputs. */
  private readonly memo = new SharedBuilds();
  /** Dependency key → the proxies whose last snapshot read it, so a change finds its proxies without a scan. */
  private readonly dependents = new DependencyIndex();
  /** Where each proxy's own registration is, for the changes that write it. */
  private readonly registrations = new RegistrationIndex();
  /** Proxies whose last build failed: any change retries them. */
  private readonly failedIds = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly building = new Set<string>();
  /** Proxies whose only change is the endpoints of some upstreams: old upstream → its successor. */
  private patches = new Map<string, Map<UpstreamSnapshot, UpstreamSnapshot>>();
  /** Sidecars whose only change may be their inbound authorization. */
  private authPatches = new Set<string>();
  /** When the earliest change a pending rebuild carries was committed (ms), for the convergence histogram. */
  private readonly dirtySince = new Map<string, number>();
  /** Starts rebuild rounds: at once after a quiet spell, else at most one per coalescing window. */
  private readonly rounds: FlushThrottle;
  private readonly unsubscribe: () => void;
  private readonly log: Logger;
  private closed = false;
  /** Rounds running (between its slices, a round's proxies are neither dirty nor building). */
  private flushing = 0;
  private builds = 0;
  private rejectedBuilds = 0;
  private unchangedBuilds = 0;
  private patchedBuilds = 0;

  constructor(private readonly opts: MeshEngineOptions) {
    this.log = opts.logger.child({ component: 'mesh' });
    this.rounds = new FlushThrottle(opts.coalesceMs ?? 50, () => void this.flush());
    this.unsubscribe = opts.store.subscribe((ev) => this.onStoreChange(ev));
  }

  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch {
    const proxy = this.track(request.nodeId);
    proxy.watches++;
    let namesChanged = false;
    if (request.typeUrl === LISTENER_TYPE && !request.wildcard) {
      for (const n of request.names) {
        proxy.listenerNames ??= new Map();
        const count = proxy.listenerNames.get(n) ?? 0;
        if (count === 0) namesChanged = true;
        proxy.listenerNames.set(n, count + 1);
      }
    }
    if (namesChanged || !this.opts.cache.getSnapshot(request.nodeId)) this.markDirty(request.nodeId);
    const cancel = this.opts.cache.createWatch(request, respond);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      cancel();
      this.release(request);
    };
  }

  fetch(request: WatchRequest): WatchResponse | undefined {
    return this.opts.cache.fetch(request);
  }

  /** Marks every proxy of a service for rebuild (its leaf changed). */
  onLeafChanged(service: string): void {
    const since = Date.now();
    for (const [id, p] of this.proxies) if (p.identityService === service) this.markDirty(id, since);
  }

  /** Marks every proxy for rebuild (the trusted roots changed). */
  onRootsChanged(): void {
    const since = Date.now();
    for (const id of this.proxies.keys()) this.markDirty(id, since);
  }

  /** Proxies that have no configuration (or keep an older one), and why. */
  problems(): ProxyProblem[] {
    return [...this.proxies.values()].flatMap((p) => (p.problem ? [p.problem] : []));
  }

  /** The problem of one proxy, if any. */
  problemOf(nodeId: string): ProxyProblem | undefined {
    return this.proxies.get(nodeId)?.problem;
  }

  /** Counters for tests and metrics. */
  stats(): { proxies: number; builds: number; pending: number; rejectedBuilds: number; unchangedBuilds: number; patchedBuilds: number; sharedResourceHits: number; resourcesBuilt: number } {
    const memo = this.memo.stats();
    return {
      proxies: this.proxies.size,
      builds: this.builds,
      pending: this.dirty.size + this.building.size,
      rejectedBuilds: this.rejectedBuilds,
      unchangedBuilds: this.unchangedBuilds,
      patchedBuilds: this.patchedBuilds,
      sharedResourceHits: memo.hits,
      resourcesBuilt: memo.misses,
    };
  }

  /** Resolves once no rebuild is pending or running (tests). */
  async settled(): Promise<void> {
    while (this.dirty.size > 0 || this.building.size > 0 || this.rounds.pending || this.flushing > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops following the store. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.rounds.cancel();
    for (const p of this.proxies.values()) if (p.idleTimer) clearTimeout(p.idleTimer);
  }

  private track(nodeId: string): TrackedProxy {
    let p = this.proxies.get(nodeId);
    if (!p) {
      p = newTrackedProxy();
      this.proxies.set(nodeId, p);
    }
    if (p.idleTimer) {
      clearTimeout(p.idleTimer);
      p.idleTimer = undefined;
    }
    return p;
  }

  private release(request: WatchRequest): void {
    const p = this.proxies.get(request.nodeId);
    if (!p) return;
    p.watches--;
    if (request.typeUrl === LISTENER_TYPE && !request.wildcard) {
      for (const n of request.names) {
        const count = (p.listenerNames?.get(n) ?? 1) - 1;
        if (count > 0) p.listenerNames?.set(n, count);
        else if (p.listenerNames?.delete(n) && p.listenerNames.size === 0) p.listenerNames = undefined;
      }
    }
    if (p.watches <= 0 && !this.closed) {
      // Watches are single-shot and reopened after each answer; only a proxy that stays without one is gone.
      p.idleTimer = setTimeout(() => this.forget(request.nodeId), this.opts.idleForgetMs ?? 60_000);
      p.idleTimer.unref();
    }
  }

  private forget(nodeId: string): void {
    const p = this.proxies.get(nodeId);
    if (!p || p.watches > 0) return;
    this.proxies.delete(nodeId);
    this.dirty.delete(nodeId);
    this.dirtySince.delete(nodeId);
    this.failedIds.delete(nodeId);
    this.dependents.update(nodeId, p.indexed, NO_DEPS);
    p.indexed = undefined;
    this.registrations.place(nodeId, undefined);
    this.opts.cache.clearSnapshot(nodeId);
  }

  private onStoreChange(ev: ChangeEvent): void {
    const refresh = this.shared.refreshServices(this.opts.store, new Set([...ev.services, ...ev.connect]));
    if (ev.tables.has('nodes') || ev.tables.has('services')) this.shared.forgetNodes(this.opts.store, ev.nodes, ev.tables.has('services'));
    if (ev.ca) this.onRootsChanged();
    // Committed just now (the store publishes after its transaction): the start of convergence.
    const since = Date.now();
    this.registrations.affected(ev, (id) => this.markDirty(id, since));
    this.dependents.affected(
      ev,
      refresh.changed,
      (id) => this.markDirty(id, since),
      (id) => this.upstreamsChanged(id, refresh.replaced, since),
      (id) => this.intentionsChanged(id, since),
    );
    for (const id of this.failedIds) this.markDirty(id, since);
  }

  /**
   * Some upstreams a proxy may use were replaced. If it uses none, nothing to
   * do; if only their endpoints changed, its endpoints are patched (the rest
   * of its configuration is the same objects); otherwise it is rebuilt.
   */
  private upstreamsChanged(nodeId: string, replaced: ReadonlyMap<UpstreamSnapshot, UpstreamSnapshot | undefined>, since: number): void {
    const p = this.proxies.get(nodeId);
    if (!p || this.dirty.has(nodeId)) return;
    if (!p.inputs || p.failed || this.building.has(nodeId)) return this.markDirty(nodeId, since);
    let pairs = this.patches.get(nodeId);
    // A patch still pending may already replace an upstream that has now been replaced again: follow it.
    for (const [old, next] of pairs ?? []) {
      if (!replaced.has(next)) continue;
      const fresh = replaced.get(next);
      if (!fresh) return this.markDirty(nodeId, since);
      pairs!.set(old, fresh);
    }
    for (const input of p.inputs) {
      if (typeof input !== 'object' || input === null || !replaced.has(input as UpstreamSnapshot)) continue;
      if (pairs?.has(input as UpstreamSnapshot)) continue;
      const fresh = replaced.get(input as UpstreamSnapshot);
      if (!fresh) return this.markDirty(nodeId, since);
      if (!pairs) this.patches.set(nodeId, (pairs = new Map()));
      pairs.set(input as UpstreamSnapshot, fresh);
    }
    if (!pairs) return;
    if (!this.dirtySince.has(nodeId)) this.dirtySince.set(nodeId, since);
    this.scheduleFlush();
  }

  /** Intentions the proxy's inbound authorization reads were written: its inbound listener may need patching. */
  private intentionsChanged(nodeId: string, since: number): void {
    const p = this.proxies.get(nodeId);
    if (!p || this.dirty.has(nodeId)) return;
    if (!p.inputs || p.failed || this.building.has(nodeId) || !sidecarInboundOf(p.inputs)) return this.markDirty(nodeId, since);
    this.authPatches.add(nodeId);
    if (!this.dirtySince.has(nodeId)) this.dirtySince.set(nodeId, since);
    this.scheduleFlush();
  }

  /**
   * Publishes a sidecar's configuration with its inbound listener rebuilt for
   * its destination's current authorization (compiled once per destination;
   * the filter chain shared by the destination's instances). Everything else
   * was made from the same objects and stays as published.
   */
  private applyAuthPatch(nodeId: string): void {
    const p = this.proxies.get(nodeId);
    const current = this.opts.cache.getSnapshot(nodeId);
    const since = this.dirtySince.get(nodeId);
    const built = p?.inputs && sidecarInboundOf(p.inputs);
    if (!p?.inputs || !built || !current) return this.markDirty(nodeId, since);
    const { service, inbound } = built;
    const authorization = destinationAuthorization({ ...this.opts, shared: this.shared }, service, inbound.protocol);
    this.dirtySince.delete(nodeId);
    if (authorization === inbound.authorization) {
      this.unchangedBuilds++;
      return;
    }
    const listener = sidecarInboundListener({ ...inbound, authorization }, this.memo);
    // On its own: what it references (local_app, the leaf and roots secrets) is what the published one did.
    const checked = validateResource(LISTENER_TYPE, listener.resource);
    const listeners = new Map(current.get(LISTENER_TYPE) ?? []);
    if (!checked.ok || !listeners.has(listener.name)) return this.markDirty(nodeId, since);
    listeners.set(listener.name, this.opts.cache.encode(LISTENER_TYPE, listener.resource));
    this.republish(nodeId, LISTENER_TYPE, listeners, since);
    p.inputs = withAuthorization(p.inputs, authorization);
    this.patchedBuilds++;
  }

  /**
   * Publishes a proxy's configuration with the endpoints of replaced
   * upstreams swapped in. Its other resources are those already published
   * (made from the same objects); the new assignments are shared with every
   * proxy of those upstreams, built, validated and encoded once.
   */
  private applyPatch(nodeId: string, pairs: ReadonlyMap<UpstreamSnapshot, UpstreamSnapshot>): void {
    const p = this.proxies.get(nodeId);
    const current = this.opts.cache.getSnapshot(nodeId);
    const since = this.dirtySince.get(nodeId);
    if (!p?.inputs || !current) return this.markDirty(nodeId, since);
    const trustDomain = trustDomainOf(p.inputs);
    const assignments = [...pairs.values()].flatMap((u) => upstreamAssignments(trustDomain, u, this.memo).map((b) => b.resource));
    const endpoints = new Map(current.get(ENDPOINT_TYPE) ?? []);
    const checked = validateResourceSet({ listeners: [], clusters: [], routes: [], endpoints: assignments, secrets: [] });
    if (!checked.ok) return this.markDirty(nodeId, since);
    for (const a of assignments) {
      const r = this.opts.cache.encode(ENDPOINT_TYPE, a);
      // Endpoint-only changes keep every cluster: an assignment under a new name would be a bug here; rebuild instead.
      if (!endpoints.has(r.name)) return this.markDirty(nodeId, since);
      endpoints.set(r.name, r);
    }
    this.dirtySince.delete(nodeId);
    this.republish(nodeId, ENDPOINT_TYPE, endpoints, since);
    p.inputs = p.inputs.map((x) => pairs.get(x as UpstreamSnapshot) ?? x);
    this.patchedBuilds++;
  }

  /** Publishes a node's resources of one type replaced; the others stay as published. */
  private republish(nodeId: string, typeUrl: ResourceTypeUrl, byName: ReadonlyMap<string, Resource>, since: number | undefined): void {
    this.opts.cache.replaceType(nodeId, typeUrl, byName.values(), since === undefined ? {} : { since });
  }

  /** Queues a rebuild; `since` is when the change that needs it was committed (absent for a first build). */
  private markDirty(nodeId: string, since?: number): void {
    if (this.closed) return;
    this.dirty.add(nodeId);
    if (since !== undefined && !this.dirtySince.has(nodeId)) this.dirtySince.set(nodeId, since);
    this.patches.delete(nodeId);
    this.authPatches.delete(nodeId);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.closed) this.rounds.request();
  }

  private async flush(): Promise<void> {
    this.flushing++;
    try {
      await this.round();
    } finally {
      this.flushing--;
    }
    if (this.dirty.size === 0 && this.building.size === 0) this.shared.dropRows();
    // Proxies marked again while they were building go in the next round.
    if (this.dirty.size > 0) this.scheduleFlush();
  }

  private async round(): Promise<void> {
    // Patches in slices too, so the first proxies' answers are written (and ACKed, on the other core) while the
    // rest are patched. A patch stays in its map until it is applied: a change arriving in between merges into it.
    let done = 0;
    for (const id of [...this.patches.keys()]) {
      const pairs = this.patches.get(id);
      if (!pairs || this.closed) continue;
      this.patches.delete(id);
      if (!this.dirty.has(id)) this.applyPatch(id, pairs);
      if (++done % PATCH_SLICE === 0) await new Promise((r) => setImmediate(r));
    }
    for (const id of [...this.authPatches]) {
      if (!this.authPatches.delete(id) || this.closed) continue;
      if (!this.dirty.has(id)) this.applyAuthPatch(id);
      if (++done % PATCH_SLICE === 0) await new Promise((r) => setImmediate(r));
    }
    const ids = [...this.dirty].filter((id) => !this.building.has(id));
    for (const id of ids) this.dirty.delete(id);
    // In slices, yielding between them: responses for the first proxies go out
    // while the rest are built, and the server keeps answering meanwhile.
    for (let i = 0; i < ids.length && !this.closed; i += FLUSH_SLICE) {
      await Promise.all(ids.slice(i, i + FLUSH_SLICE).map((id) => this.rebuild(id)));
      if (i + FLUSH_SLICE < ids.length) await new Promise((r) => setImmediate(r));
    }
  }

  private async rebuild(nodeId: string): Promise<void> {
    const p = this.proxies.get(nodeId);
    if (!p || this.closed) return;
    this.building.add(nodeId);
    // This build carries every change committed up to now.
    const since = this.dirtySince.get(nodeId);
    this.dirtySince.delete(nodeId);
    try {
      const gathered = await gatherProxySnapshot({ ...this.opts, shared: this.shared }, nodeId, { listeners: [...(p.listenerNames?.keys() ?? [])] });
      if (!this.proxies.has(nodeId)) return;
      this.dependents.update(nodeId, p.indexed, gathered.deps);
      p.indexed = gathered.deps;
      this.registrations.place(nodeId, gathered.deps.registration);
      if (!gathered.ok) return this.setProblem(nodeId, p, gathered.reason);
      p.identityService = gathered.snapshot.identity.service;
      const inputs = inputsOf(gathered.snapshot, gathered.notes);
      if (!p.failed && p.inputs && sameInputs(p.inputs, inputs) && this.opts.cache.getSnapshot(nodeId)) {
        // Everything it is built from is what the published build was made from.
        this.unchangedBuilds++;
        return;
      }
      p.inputs = undefined;
      const built = buildProxyResources(gathered.snapshot, this.memo);
      const set = resourceSetOf(built);
      const checked = validateResourceSet(set);
      if (!checked.ok) {
        this.rejectedBuilds++;
        const lines = checked.violations.slice(0, 5).map((v) => formatViolation(v, true));
        return this.setProblem(nodeId, p, `generated configuration failed validation, not sent: ${lines.join('; ')}`);
      }
      this.opts.cache.setSnapshot(nodeId, {
        [LISTENER_TYPE]: set.listeners,
        [CLUSTER_TYPE]: set.clusters,
        [ROUTE_TYPE]: set.routes,
        [ENDPOINT_TYPE]: set.endpoints,
        [SECRET_TYPE]: set.secrets,
      }, since === undefined ? {} : { since });
      this.builds++;
      p.inputs = inputs;
      p.failed = false;
      this.failedIds.delete(nodeId);
      // Published; what it asked for and cannot have is still worth showing.
      if (gathered.notes.length > 0) return this.setProblem(nodeId, p, gathered.notes.join('; '), false);
      if (p.problem) this.log.info({ nodeId }, 'proxy configuration recovered');
      p.problem = undefined;
    } catch (err) {
      this.setProblem(nodeId, p, `could not build configuration: ${(err as Error).message}`);
    } finally {
      this.building.delete(nodeId);
    }
  }

  private setProblem(nodeId: string, p: TrackedProxy, message: string, failed = true): void {
    p.failed = failed;
    if (failed) this.failedIds.add(nodeId);
    else this.failedIds.delete(nodeId);
    if (p.problem?.message !== message) {
      this.log.warn({ nodeId, problem: message }, failed ? 'proxy gets no new configuration' : 'proxy asked for something it cannot have');
      p.problem = { nodeId, message, since: new Date().toISOString() };
    }
  }
}
