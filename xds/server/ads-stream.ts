/**
 * One ADS stream, state-of-the-world or delta: per-type subscriptions, what
 * the proxy holds, nonces, ACK/NACK, and make-before-break ordering.
 *
 * Cache answers arrive through single-shot watches and are gathered until the
 * end of the current tick, so the answers caused by one change are pushed
 * together in ADS_PUSH_ORDER, with cluster and endpoint removals last.
 *
 * Back-pressure: once the call refuses more (its write returns false, the
 * proxy stopped reading), the stream writes nothing until the call drains and
 * holds only the latest answer per type meanwhile. What it writes after the
 * drain is computed against what the proxy was actually sent (`held`).
 *
 * A server holds one of these per connected proxy, so it keeps no logger,
 * date or formatted string of its own: they are made when read.
 */
import { applyDeltaSubscription, applySotwSubscription } from './subscriptions.ts';
import { tallyStream, type StreamTally } from './stream-tally.ts';
import type { Logger } from 'pino';
import type { ConfigWatcher, Resource, WatchRequest, WatchResponse } from '../cache/index.ts';
import { TYPE_SHORT_NAMES, isResourceTypeUrl, type ResourceTypeUrl } from '../type-urls.ts';
import type { Node__Output } from '../generated/envoy/config/core/v3/Node.ts';
import type { Status__Output } from '../generated/google/rpc/Status.ts';
import type { DeltaDiscoveryRequest__Output, DiscoveryRequest__Output, OutgoingDeltaDiscoveryResponse, OutgoingDiscoveryResponse } from './service-definitions.ts';
import type { AdsMode, ProxyFlavour, ProxyStatus, TypeStatus } from './proxy-status.ts';
import { flavourOf } from './node-flavour.ts';
import { compactNode } from './compact-node.ts';
import { PendingAnswers } from './pending-answers.ts';
import { dependentNames, planPush } from './push-plan.ts';
import { setVersion } from './set-version.ts';
import { closeWatch, dropHeld, holdResource, isKnown, newTypeState, openWatch, shareHeld, typeStatusOf, TypeStates, type TypeState } from './type-state.ts';
import type { StreamObserver } from './traffic.ts';
import { shareNames } from './shared-names.ts';

/** What one stream's proxy holds of one type, for CSDS. */
export interface HeldResources {
  typeUrl: ResourceTypeUrl;
  status: TypeStatus;
  /** Resources sent and not removed since. */
  resources: Resource[];
  /** Names subscribed that do not exist. */
  missing: string[];
}

/** Where a stream writes and how it gives up; a thin face of the gRPC call. */
export interface StreamSink {
  /** Writes one response; false when the call wants no more until it drains (then `onDrain` is called). */
  write(response: OutgoingDiscoveryResponse | OutgoingDeltaDiscoveryResponse): boolean;
  /** Ends the stream with an error status: INVALID_ARGUMENT, or INTERNAL when `internal`. */
  fail(message: string, internal?: boolean): void;
}

/** What a stream needs from the server; one object shared by every stream. */
export interface AdsStreamContext {
  cache: ConfigWatcher;
  logger: Logger;
  now: () => Date;
  /** Told about every response, reply, convergence and backlog change. */
  observer?: StreamObserver;
}

/** The server-side state machine of one ADS stream. */
export class AdsStream {
  private readonly types = new TypeStates();
  private readonly pending: PendingAnswers;
  private readonly answer: (response: WatchResponse) => void;
  /** The call refused a write and has not drained since. */
  private backlogged = false;
  private flushScheduled = false;
  private closed = false;
  private nonces = 0;
  private nodeId: string | undefined;
  private node: Node__Output | undefined;
  private flavour: ProxyFlavour = 'envoy';
  /** ms since the epoch. */
  private readonly connectedSince: number;

  constructor(
    readonly id: number,
    readonly mode: AdsMode,
    private readonly sink: StreamSink,
    private readonly ctx: AdsStreamContext,
  ) {
    this.connectedSince = ctx.now().getTime();
    this.pending = new PendingAnswers(ctx.observer);
    // Set here, not as a field initialiser: tsx names a field's arrow function with defineProperty, a property array per stream.
    this.answer = (response) => this.onAnswer(response);
  }

  /** Handles one state-of-the-world DiscoveryRequest. */
  onSotwRequest(req: DiscoveryRequest__Output): void {
    if (this.closed || !this.identify(req.node)) return;
    const typeUrl = this.typeOf(req.type_url);
    if (!typeUrl) return;
    const nonce = req.response_nonce ?? '';
    let st = this.types.get(typeUrl);
    // Only the latest response may be answered: an older nonce means the
    // proxy has not seen what we sent since, and will speak again when it has.
    if (st && nonce !== '' && nonce !== this.nonceText(st.lastNonce)) {
      st.staleRequests++;
      return;
    }
    const first = !st;
    st ??= this.newState(typeUrl);
    if (nonce !== '') this.recordReply(st, req.error_detail);
    if (!applySotwSubscription(st, req.resource_names ?? [], first)) return;
    if (!st.wildcard) this.forgetUnsubscribed(st);
    this.rewatch(st);
  }

  /** Handles one DeltaDiscoveryRequest. */
  onDeltaRequest(req: DeltaDiscoveryRequest__Output): void {
    if (this.closed || !this.identify(req.node)) return;
    const typeUrl = this.typeOf(req.type_url);
    if (!typeUrl) return;
    let st = this.types.get(typeUrl);
    const first = !st;
    st ??= this.newState(typeUrl);
    const nonce = req.response_nonce ?? '';
    if (nonce !== '') {
      // Subscription changes in delta are incremental and always apply; only
      // an ACK/NACK of a response that is no longer the latest is ignored.
      if (nonce === this.nonceText(st.lastNonce)) this.recordReply(st, req.error_detail);
      else st.staleRequests++;
    }
    if (!applyDeltaSubscription(st, req, first)) return;
    if (!st.wildcard) this.forgetUnsubscribed(st);
    // Declared versions are checked against the cache at once, even when none
    // differs (nothing is then sent): those that are current become shared
    // Resources rather than a map of decoded names and versions kept until
    // the next change.
    this.rewatch(st, first && st.declared !== undefined);
  }

  /** The call drained: what was held back is written, as it stands now. */
  onDrain(): void {
    if (this.closed || !this.backlogged) return;
    this.setBacklogged(false);
    this.debug({ skipped: this.pending.skipped }, 'proxy reading again');
    // The answers held are kept current by their watches; those stop now and
    // reopen after the flush, against what is then sent.
    for (const typeUrl of this.pending.types()) {
      const st = this.types.get(typeUrl);
      if (st) closeWatch(st);
    }
    if (this.pending.size > 0) this.scheduleFlush();
  }

  /** Stops every watch; nothing is written afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const st of this.types.values()) st.cancel?.();
    this.pending.takeAll();
    this.setBacklogged(false);
  }

  /** This stream's status, or undefined before the proxy named itself. */
  status(): ProxyStatus | undefined {
    if (this.nodeId === undefined) return undefined;
    const types: Record<string, TypeStatus> = {};
    for (const st of this.types.values()) types[TYPE_SHORT_NAMES[st.typeUrl]] = this.typeStatus(st);
    const node = this.node;
    return {
      streamId: this.id,
      nodeId: this.nodeId,
      cluster: node?.cluster ?? '',
      flavour: this.flavour,
      mode: this.mode,
      userAgent: [node?.user_agent_name, node?.user_agent_version].filter(Boolean).join('/'),
      connectedSince: new Date(this.connectedSince).toISOString(),
      backlogged: this.backlogged,
      skippedPushes: this.pending.skipped,
      types,
    };
  }

  /** The node as it described itself, once it did. */
  nodeInfo(): Node__Output | undefined {
    return this.node;
  }

  /** What the proxy holds per type (for CSDS). */
  held(): HeldResources[] {
    const out: HeldResources[] = [];
    for (const st of this.types.values()) {
      out.push({
        typeUrl: st.typeUrl,
        status: this.typeStatus(st),
        resources: [...st.held.values()],
        missing: [...st.names].filter((n) => !isKnown(st, n)).sort(),
      });
    }
    return out;
  }

  /** Adds this stream to a metrics tally, reading its state directly (no status objects: a scrape visits every stream). */
  tally(t: StreamTally): void {
    if (this.nodeId !== undefined) tallyStream(t, `${this.flavour}/${this.mode}`, this.types.values());
  }

  private typeStatus(st: TypeState): TypeStatus {
    return typeStatusOf(st, (n) => this.nonceText(n));
  }

  private identify(node: Node__Output | undefined): boolean {
    if (this.nodeId !== undefined) return true;
    if (!node?.id) {
      this.sink.fail('node.id is required in the first request of a stream');
      this.close();
      return false;
    }
    // Decoded requests carry an empty array or object for every field the
    // proxy left out; only what it said is kept (CSDS echoes it back).
    this.node = compactNode(node);
    this.nodeId = node.id;
    this.flavour = flavourOf(node);
    this.ctx.logger.info(this.fields({ flavour: this.flavour, cluster: node.cluster ?? '' }), 'proxy connected');
    return true;
  }

  private typeOf(typeUrl: string | undefined): ResourceTypeUrl | undefined {
    if (typeUrl && isResourceTypeUrl(typeUrl)) return typeUrl;
    this.ctx.logger.warn(this.fields({ typeUrl }), 'request for an unsupported type ignored');
    return undefined;
  }

  private newState(typeUrl: ResourceTypeUrl): TypeState {
    const st = newTypeState(typeUrl);
    this.types.add(st);
    return st;
  }

  /** The latest nonce of `st` was ACKed, or NACKed (`error`). */
  private recordReply(st: TypeState, error: Status__Output | undefined): void {
    const at = this.ctx.now().getTime();
    const version = st.sentVersion ?? '';
    const since = st.unackedSince;
    st.unackedSince = undefined;
    this.ctx.observer?.replied(!error);
    // A NACKed change did not converge: it is not measured.
    if (!error && since !== undefined) this.ctx.observer?.converged(st.typeUrl, (at - since) / 1000);
    if (error) {
      // The proxy keeps its last good config; we keep what we sent as "known"
      // so the same content is never pushed again: no resend loop.
      st.nack = { version, nonce: st.lastNonce, at, message: error.message ?? '', code: error.code ?? 0 };
      this.ctx.logger.warn(this.fields({ type: TYPE_SHORT_NAMES[st.typeUrl], nonce: this.nonceText(st.lastNonce), error: error.message }), 'proxy rejected a response (NACK)');
    } else {
      st.ackedVersion = version;
      st.ackedNonce = st.lastNonce;
      st.ackedAt = at;
    }
  }

  /** Drops what the proxy holds outside a named subscription, so a later subscribe sends it again. */
  private forgetUnsubscribed(st: TypeState): void {
    for (const name of [...st.known.keys()]) {
      if (!st.names.has(name)) dropHeld(st, name);
    }
  }

  private watchRequest(st: TypeState): WatchRequest {
    return {
      nodeId: this.nodeId ?? '',
      typeUrl: st.typeUrl,
      wildcard: st.wildcard,
      names: st.names,
      knownVersions: st.known,
      answerWhenEmpty: st.wildcard && !st.answered,
    };
  }

  /** Opens the type's watch; `answerNow`: answered as soon as the node has a snapshot, even if nothing differs. */
  private rewatch(st: TypeState, answerNow = false): void {
    closeWatch(st);
    // An answer gathered for the old subscription no longer applies.
    this.pending.delete(st.typeUrl);
    const request = this.watchRequest(st);
    this.watch(st, answerNow ? { ...request, answerWhenEmpty: true } : request);
  }

  /** Opens a watch for `st`; `answer` (one function per stream, not one per watch) clears `st.cancel` when it is answered. */
  private watch(st: TypeState, request: WatchRequest): void {
    openWatch(st, (r) => this.ctx.cache.createWatch(r, this.answer), request);
  }

  private onAnswer(response: WatchResponse): void {
    const st = this.types.get(response.typeUrl);
    if (st) st.cancel = undefined;
    this.enqueue(response);
  }

  private enqueue(response: WatchResponse): void {
    if (this.closed) return;
    this.pending.put(response);
    if (this.backlogged) {
      const st = this.types.get(response.typeUrl);
      if (st) this.trackPending(st);
      return;
    }
    this.scheduleFlush();
  }

  /**
   * While backlogged, watches the type against the answer held rather than
   * against what the proxy holds, so the cache answers each later change
   * (which replaces the held answer) and not the held one again and again.
   */
  private trackPending(st: TypeState): void {
    const held = this.pending.get(st.typeUrl);
    if (!held) return;
    closeWatch(st);
    const heldVersions = new Map<string, string>();
    for (const r of held.resources.values()) heldVersions.set(r.name, r.version);
    this.watch(st, { ...this.watchRequest(st), knownVersions: heldVersions, answerWhenEmpty: false });
  }

  private setBacklogged(on: boolean): void {
    if (this.backlogged === on) return;
    this.backlogged = on;
    this.ctx.observer?.backlogChanged(on ? 1 : -1);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      try {
        this.flush();
      } catch (err) {
        // A bug here must cost one stream, never the process.
        this.ctx.logger.error(this.fields({ err }), 'ADS push failed; ending the stream');
        this.sink.fail(`internal error: ${(err as Error).message}`, true);
        this.close();
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    if (this.backlogged) {
      for (const typeUrl of this.pending.types()) {
        const st = this.types.get(typeUrl);
        if (st) this.trackPending(st);
      }
      return;
    }
    // A batch is written whole even if the call fills up halfway: its order
    // (make-before-break) matters more than a few responses more in the buffer.
    const batch = this.pending.takeAll();
    const forced = this.dependentResends(batch);
    for (const r of planPush(this.mode, this.types, batch, forced)) {
      if (r.resources) this.sendSotw(r.st, r.resources, r.upserts, r.removed, r.since);
      else this.sendDelta(r.st, r.upserts, r.removed, r.since);
    }
    for (const [typeUrl, answer] of batch) {
      const st = this.types.get(typeUrl);
      if (!st) continue;
      shareHeld(st, answer.resources);
      // After the sends, so that the names are those of the Resources sent, not copies decoded from a request.
      st.names = shareNames(st.names);
      if (!st.cancel) this.rewatch(st);
    }
  }

  /**
   * Envoy re-warms a cluster (listener) when it changes and waits for its
   * endpoints (routes): those are sent again even when unchanged. Adds the
   * current state of such types to the batch and returns the names to force.
   */
  private dependentResends(batch: Map<ResourceTypeUrl, WatchResponse>): Map<ResourceTypeUrl, Set<string>> {
    const forced = dependentNames(this.types, batch);
    for (const typeUrl of forced.keys()) {
      const st = this.types.get(typeUrl);
      if (!st || batch.has(typeUrl)) continue;
      const state = this.ctx.cache.fetch(this.watchRequest(st));
      if (!state) continue;
      closeWatch(st);
      batch.set(typeUrl, state);
    }
    return forced;
  }

  private nonceText(n: number): string {
    return n === 0 ? '' : `${this.id}-${n}`;
  }

  private sendSotw(st: TypeState, resources: Resource[], upserts: Resource[], removed: string[], since: number | undefined): void {
    for (const r of upserts) holdResource(st, r);
    for (const n of removed) dropHeld(st, n);
    const nonce = ++this.nonces;
    const response: OutgoingDiscoveryResponse = {
      version_info: setVersion(resources),
      resources: resources.map((r) => r.any),
      type_url: st.typeUrl,
      nonce: this.nonceText(nonce),
    };
    this.record(st, response.version_info, nonce, resources.length, removed.length, since);
    this.write(response, resources.length, removed.length);
  }

  private sendDelta(st: TypeState, upserts: Resource[], removed: string[], since: number | undefined): void {
    for (const r of upserts) holdResource(st, r);
    for (const n of removed) dropHeld(st, n);
    const nonce = ++this.nonces;
    const response: OutgoingDeltaDiscoveryResponse = {
      system_version_info: setVersion(st.held.values()),
      resources: upserts.map((r) => r.delta),
      type_url: st.typeUrl,
      removed_resources: removed,
      nonce: this.nonceText(nonce),
    };
    this.record(st, response.system_version_info, nonce, upserts.length, removed.length, since);
    this.write(response, upserts.length, removed.length);
  }

  private write(response: OutgoingDiscoveryResponse | OutgoingDeltaDiscoveryResponse, resources: number, removals: number): void {
    this.ctx.observer?.sent(resources, removals);
    if (!this.sink.write(response) && !this.closed) {
      this.setBacklogged(true);
      this.debug({}, 'proxy not reading: holding pushes until the call drains');
    }
  }

  private record(st: TypeState, version: string, nonce: number, count: number, removed: number, since: number | undefined): void {
    st.answered = true;
    st.lastNonce = nonce;
    if (since !== undefined) st.unackedSince = st.unackedSince === undefined ? since : Math.min(st.unackedSince, since);
    st.sentVersion = version;
    st.sentAt = this.ctx.now().getTime();
    this.debug({ type: TYPE_SHORT_NAMES[st.typeUrl], version, nonce: this.nonceText(nonce), resources: count, removed }, 'pushed');
  }

  /** Log fields naming this stream (no child logger per stream: one per connected proxy adds up). */
  private fields(extra: Record<string, unknown>): Record<string, unknown> {
    return { stream: this.id, mode: this.mode, ...(this.nodeId === undefined ? {} : { node: this.nodeId }), ...extra };
  }

  private debug(extra: Record<string, unknown>, message: string): void {
    if (this.ctx.logger.isLevelEnabled('debug')) this.ctx.logger.debug(this.fields(extra), message);
  }
}
