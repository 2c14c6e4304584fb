/**
 * One simulated Envoy: its own gRPC channel (its own HTTP/2 connection) and a
 * delta ADS stream driven the way Envoy drives it. Wildcard CDS first; the
 * EDS names of the clusters received are subscribed before CDS is ACKed;
 * then wildcard LDS, and the RDS names of the listeners received; SDS for
 * every secret name referenced. Every response is ACKed with its nonce, or
 * NACKed at a configured rate once the proxy has synced (Envoy then keeps its
 * previous config, so nothing in a NACKed response is applied).
 * State-of-the-world works the same way, with full name lists in every
 * request and what a response leaves out taken as removed.
 */
import * as grpc from '@grpc/grpc-js';
import { isIPv4 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import type { Random } from './prng.ts';
import { DELTA_ADS_PATH, encodeDeltaRequest, encodeSotwRequest, SOTW_ADS_PATH, type DeltaRequestOut, type SotwRequestOut } from './xds-codec.ts';
import type { ResourceRefs } from './resource-refs.ts';
import { readDeltaResponse, readSotwResponse, type ReceivedResponse } from './response-reader.ts';
import type { SharedResource } from './shared-resources.ts';

/** Which ADS variant a simulated proxy speaks. */
export type SimAdsMode = 'delta' | 'sotw';

type Received = ReceivedResponse;

/** Channel options that keep each simulated proxy on a connection of its own. */
export const SIM_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.enable_channelz': 0,
  // A channel-local subchannel pool: channels to the same address do not share a connection.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.enable_retries': 0,
};

/**
 * The gRPC target for `host:port`: an IPv4 literal goes through grpc-js's
 * `ipv4:` resolver, as an Envoy bootstrap names its ADS server by a static
 * address, not through the DNS resolver (half the CPU per channel here).
 */
export function channelTarget(address: string): string {
  const host = address.slice(0, address.lastIndexOf(':'));
  return isIPv4(host) ? `ipv4:${address}` : address;
}

/** A resource update a proxy has accepted: what expectations are checked against (shared by every proxy that received the same bytes). */
export interface AcceptedUpdate {
  readonly typeUrl: string;
  readonly name: string;
  readonly version: string;
  readonly value: Uint8Array;
}

/** What a simulated proxy is told. */
export interface SimProxyOptions {
  nodeId: string;
  mode: SimAdsMode;
  /** node.cluster: the service the sidecar fronts. */
  cluster: string;
  /** Share of responses NACKed once synced, 0..1. */
  nackRate: number;
  random: Random;
  /** Whether to keep every response's raw bytes (for the replay ceiling). */
  recording: () => boolean;
  /** Called after a response was ACKed, with the updates it applied. */
  onAccepted: (proxy: SimProxy, updates: readonly AcceptedUpdate[]) => void;
  /** Called when the proxy holds everything it subscribed to. */
  onSynced: (proxy: SimProxy) => void;
  /** Called with every response's resources as received, before it is ACKed or NACKed (what the server had to encode). */
  onReceived?: (resources: readonly SharedResource[]) => void;
}

const DEPENDENT: ReadonlyArray<[keyof ResourceRefs, string]> = [
  ['secrets', SECRET_TYPE],
  ['endpoints', ENDPOINT_TYPE],
  ['routes', ROUTE_TYPE],
];

const NONE: readonly string[] = [];

/** A simulated Envoy speaking delta ADS. */
export class SimProxy {
  /** type → name → version held (accepted). */
  readonly held = new Map<string, Map<string, string>>();
  /** Names subscribed explicitly, by dependent type. */
  readonly subscribed = new Map<string, Set<string>>(DEPENDENT.map(([, t]) => [t, new Set<string>()]));
  private readonly refs = new Map<string, Map<string, ResourceRefs>>([
    [CLUSTER_TYPE, new Map()],
    [LISTENER_TYPE, new Map()],
  ]);
  /** How many held clusters and listeners name each dependent resource, by dependent type. */
  private readonly refCounts = new Map<string, Map<string, number>>(DEPENDENT.map(([, t]) => [t, new Map<string, number>()]));
  /** Dependent names whose count left or reached zero while handling the current response, by dependent type. */
  private readonly touched = new Map<string, string[]>(DEPENDENT.map(([, t]) => [t, []]));
  private readonly acked = new Set<string>();
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<DeltaRequestOut | SotwRequestOut, Received> | undefined;
  /** SotW: the version_info last accepted and the nonce last received, by type. */
  private readonly sotwVersion = new Map<string, string>();
  private readonly sotwNonce = new Map<string, string>();
  private ldsRequested = false;
  private everSynced = false;
  /** Whether it holds all it subscribed to on the current stream. */
  synced = false;
  /** When (performance.now()) the first CDS response arrived on the current stream. */
  firstCdsAt: number | undefined;
  bytes = 0;
  messages = 0;
  acks = 0;
  /** NACKs sent on purpose (the NACK rate). */
  nacks = 0;
  /** NACKs sent because a resource could not be decoded: a server bug. */
  readonly unexpectedNacks: string[] = [];
  /** Raw responses kept while recording. */
  recorded: Buffer[] = [];
  /** Streams that failed (the server ended them, or the connection broke) and were opened again, as Envoy does. */
  streamFailures = 0;
  /** The last failure's message. */
  streamError: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(readonly opts: SimProxyOptions) {}

  get nodeId(): string {
    return this.opts.nodeId;
  }

  /** Opens a new channel and stream with empty state (an Envoy that just started). */
  connect(address: string): void {
    this.disconnect();
    for (const m of this.held.values()) m.clear();
    for (const m of this.refs.values()) m.clear();
    for (const m of this.refCounts.values()) m.clear();
    for (const s of this.subscribed.values()) s.clear();
    this.acked.clear();
    this.sotwVersion.clear();
    this.sotwNonce.clear();
    this.ldsRequested = false;
    this.synced = false;
    this.firstCdsAt = undefined;
    this.client = new grpc.Client(channelTarget(address), grpc.credentials.createInsecure(), SIM_CHANNEL_OPTIONS);
    const sotw = this.opts.mode === 'sotw';
    // grpc-js records the caller's stack for every call it starts (only shown in its error messages' stack); with
    // tsx's source maps that is ~0.2 ms a call, as much as the rest of opening the stream.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let call: grpc.ClientDuplexStream<DeltaRequestOut | SotwRequestOut, Received>;
    try {
      call = sotw
        ? this.client.makeBidiStreamRequest<DeltaRequestOut | SotwRequestOut, Received>(
            SOTW_ADS_PATH,
            (r) => encodeSotwRequest(r as SotwRequestOut),
            readSotwResponse,
          )
        : this.client.makeBidiStreamRequest<DeltaRequestOut | SotwRequestOut, Received>(
            DELTA_ADS_PATH,
            (r) => encodeDeltaRequest(r as DeltaRequestOut),
            readDeltaResponse,
          );
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.call = call;
    call.on('data', (r: Received) => this.onResponse(r));
    const failed = (message: string): void => {
      if (this.call !== call) return;
      this.streamFailures++;
      this.streamError = message;
      this.call = undefined;
      // Envoy retries a failed ADS stream after a jittered backoff, starting from what it holds; this one starts afresh.
      this.retryTimer = setTimeout(() => this.connect(address), 250 + Math.floor(this.opts.random() * 250));
    };
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) failed(err.message);
    });
    call.on('end', () => failed('stream ended by the server'));
    const node = { id: this.nodeId, cluster: this.opts.cluster, user_agent_name: 'envoy', user_agent_version: '1.31.0' };
    this.send(sotw ? { node, type_url: CLUSTER_TYPE, resource_names: [] } : { node, type_url: CLUSTER_TYPE, resource_names_subscribe: [] });
  }

  /** Whether it has a stream open (or opening): its channel then holds a connection. */
  get streaming(): boolean {
    return this.call !== undefined;
  }

  /** Cancels the stream and closes the channel. */
  disconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const call = this.call;
    this.call = undefined;
    if (call) {
      call.removeAllListeners('data');
      call.on('error', () => undefined);
      call.cancel();
    }
    this.client?.close();
    this.client = undefined;
    this.synced = false;
  }

  private send(req: DeltaRequestOut | SotwRequestOut): void {
    this.call?.write(req);
  }

  /** The names a SotW request for `typeUrl` lists: none for the wildcard types (CDS, LDS), every subscribed name otherwise. */
  private sotwNames(typeUrl: string): string[] {
    return [...(this.subscribed.get(typeUrl) ?? [])];
  }

  /** An ACK (no error) or NACK of response `r`, in the stream's ADS variant. */
  private answer(r: Received, error?: { code: number; message: string }): void {
    if (this.opts.mode === 'delta') {
      this.send({ type_url: r.typeUrl, response_nonce: r.nonce, ...(error ? { error_detail: error } : {}) });
      return;
    }
    // A SotW NACK repeats the version last accepted; an ACK names the new one.
    const version = error ? (this.sotwVersion.get(r.typeUrl) ?? '') : (r.versionInfo ?? '');
    if (!error) this.sotwVersion.set(r.typeUrl, version);
    this.send({ type_url: r.typeUrl, version_info: version, response_nonce: r.nonce, resource_names: this.sotwNames(r.typeUrl), ...(error ? { error_detail: error } : {}) });
  }

  private onResponse(r: Received): void {
    if (r.typeUrl === CLUSTER_TYPE && this.firstCdsAt === undefined) this.firstCdsAt = performance.now();
    this.messages++;
    this.bytes += r.size;
    if (this.opts.recording()) this.recorded.push(r.raw);
    this.opts.onReceived?.(r.resources);
    let held = this.held.get(r.typeUrl);
    let updates: readonly SharedResource[] = r.resources;
    if (this.opts.mode === 'sotw') {
      this.sotwNonce.set(r.typeUrl, r.nonce);
      // A SotW LDS/CDS response holds the whole set: whatever it leaves out is gone. EDS/RDS/SDS answers may
      // carry only some of the names asked for; the others keep what they had (they go only when unsubscribed).
      const names = new Set(r.resources.map((x) => x.name));
      const fullState = r.typeUrl === CLUSTER_TYPE || r.typeUrl === LISTENER_TYPE;
      r.removed = fullState ? [...(held?.keys() ?? [])].filter((n) => !names.has(n)) : [];
      // Unchanged resources are resent in SotW: only changed ones count as updates.
      updates = r.resources.filter((x) => held?.get(x.name) !== x.version);
    }
    if (this.everSynced && this.opts.nackRate > 0 && this.opts.random() < this.opts.nackRate) {
      this.nacks++;
      this.answer(r, { code: 3, message: 'simulated rejection (bench NACK rate)' });
      return;
    }
    // Every resource is decoded (once per distinct content, for the whole fleet) before anything is applied: a
    // resource Envoy cannot read rejects the whole response.
    for (const res of r.resources) {
      const content = res.content;
      if (!content.ok) {
        this.unexpectedNacks.push(content.error);
        this.answer(r, { code: 3, message: content.error });
        return;
      }
    }
    if (!held) this.held.set(r.typeUrl, (held = new Map()));
    const refsOfType = this.refs.get(r.typeUrl);
    for (const name of r.removed) {
      held.delete(name);
      if (refsOfType) {
        this.retarget(refsOfType.get(name), undefined);
        refsOfType.delete(name);
      }
    }
    for (const res of r.resources) held.set(res.name, res.version);
    if (refsOfType) {
      for (const res of r.resources) {
        const refs = (res.content as { refs: ResourceRefs }).refs;
        this.retarget(refsOfType.get(res.name), refs);
        refsOfType.set(res.name, refs);
      }
      this.resubscribe();
    }
    this.answer(r);
    this.acks++;
    this.acked.add(r.typeUrl);
    if (r.typeUrl === CLUSTER_TYPE && !this.ldsRequested) {
      this.ldsRequested = true;
      this.send(this.opts.mode === 'sotw' ? { type_url: LISTENER_TYPE, resource_names: [] } : { type_url: LISTENER_TYPE, resource_names_subscribe: [] });
    }
    if (updates.length > 0) this.opts.onAccepted(this, updates);
    this.checkSynced();
  }

  /** Moves one resource's references from `before` to `after`, noting the names that become (un)referenced. */
  private retarget(before: ResourceRefs | undefined, after: ResourceRefs | undefined): void {
    // Shared entries: a resource resent with the same content refers to the same names.
    if (before === after) return;
    for (const [kind, typeUrl] of DEPENDENT) {
      const gone = before ? before[kind] : NONE;
      const named = after ? after[kind] : NONE;
      if (gone.length === 0 && named.length === 0) continue;
      const counts = this.refCounts.get(typeUrl) as Map<string, number>;
      const touched = this.touched.get(typeUrl) as string[];
      for (const n of gone) {
        const c = (counts.get(n) ?? 0) - 1;
        if (c > 0) counts.set(n, c);
        else {
          counts.delete(n);
          touched.push(n);
        }
      }
      for (const n of named) {
        const c = (counts.get(n) ?? 0) + 1;
        counts.set(n, c);
        if (c === 1) touched.push(n);
      }
    }
  }

  /** Subscribes to newly referenced EDS/RDS/SDS names and drops the ones no longer referenced. */
  private resubscribe(): void {
    for (const [, typeUrl] of DEPENDENT) {
      const touched = this.touched.get(typeUrl) as string[];
      if (touched.length === 0) continue;
      const counts = this.refCounts.get(typeUrl) as Map<string, number>;
      const have = this.subscribed.get(typeUrl) as Set<string>;
      const add: string[] = [];
      const drop: string[] = [];
      for (const n of touched) {
        // A name can be touched twice in one response (dropped by one resource, named by another): judge its end state.
        if (counts.has(n) && !have.has(n)) {
          have.add(n);
          add.push(n);
        } else if (!counts.has(n) && have.delete(n)) {
          drop.push(n);
          this.held.get(typeUrl)?.delete(n);
        }
      }
      touched.length = 0;
      if (add.length === 0 && drop.length === 0) continue;
      if (this.opts.mode === 'sotw') {
        this.send({ type_url: typeUrl, version_info: this.sotwVersion.get(typeUrl) ?? '', response_nonce: this.sotwNonce.get(typeUrl) ?? '', resource_names: [...have] });
      } else this.send({ type_url: typeUrl, resource_names_subscribe: add, resource_names_unsubscribe: drop });
    }
  }

  private checkSynced(): void {
    if (this.synced || !this.acked.has(CLUSTER_TYPE) || !this.acked.has(LISTENER_TYPE)) return;
    for (const [typeUrl, names] of this.subscribed) {
      const held = this.held.get(typeUrl);
      for (const n of names) if (!held?.has(n)) return;
    }
    this.synced = true;
    this.everSynced = true;
    this.opts.onSynced(this);
  }
}
