/**
 * The xDS gRPC server: Envoy's AggregatedDiscoveryService (state-of-the-world
 * and delta) on @grpc/grpc-js, answering from a ConfigWatcher, plus CSDS.
 */
import { raiseListenBacklog } from './listen-backlog.ts';
import { newStreamTally, type StreamTally } from './stream-tally.ts';
import * as grpc from '@grpc/grpc-js';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigWatcher } from '../cache/index.ts';
import { AdsStream, type AdsStreamContext, type StreamSink } from './ads-stream.ts';
import { clientStatus, csdsServiceDefinition } from './csds.ts';
import type { StreamAuthorizer } from './authorize.ts';
import type { ClientStatusRequest__Output } from '../generated/envoy/service/status/v3/ClientStatusRequest.ts';
import type { ClientStatusResponse } from '../generated/envoy/service/status/v3/ClientStatusResponse.ts';
import type { AdsMode, ProxyStatus } from './proxy-status.ts';
import { TrafficRecorder, type XdsTraffic } from './traffic.ts';
import { MetricsRegistry } from '../metrics.ts';
import {
  adsServiceDefinition,
  type DeltaDiscoveryRequest__Output,
  type DiscoveryRequest__Output,
  type OutgoingDeltaDiscoveryResponse,
  type OutgoingDiscoveryResponse,
} from './service-definitions.ts';

/** What an XdsServer is made of. */
export interface XdsServerOptions {
  cache: ConfigWatcher;
  logger: Logger;
  /** Injected for deterministic status timestamps in tests. */
  now?: () => Date;
  /** Decides on each stream's first request whether it is served (ACLs); absent: every stream is. */
  authorizeStream?: StreamAuthorizer;
  /** Abuse limits; each breach ends the stream with RESOURCE_EXHAUSTED. */
  limits?: XdsLimits;
  /** Where the server registers its convergence histogram and stream gauges; absent: a registry of its own (`metrics`). */
  metrics?: MetricsRegistry;
}

/** Per-request and per-client bounds on the ADS server. */
export interface XdsLimits {
  /** Resource names one request may name (subscribe + unsubscribe); 10,000 by default. */
  maxResourceNamesPerRequest?: number;
  /** Concurrent ADS streams from one client IP address; 1,000 by default. */
  maxStreamsPerClient?: number;
}

/** TLS for the xDS port: PEM certificate chain, key, and roots client certificates must chain to. */
export interface XdsTls {
  certPem: string;
  keyPem: string;
  caPem: string;
  /** Require a client certificate signed by `caPem`. */
  verifyIncoming: boolean;
}

/** `1.2.3.4:5`, `::1:5` (grpc-js writes IPv6 peers without brackets), `[::1]:5` → the address without its port. */
export function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[(.*)\]:\d+$/.exec(p);
  if (bracketed) return bracketed[1]!;
  const i = p.lastIndexOf(':');
  const head = p.slice(0, i);
  return i > 0 && /^\d+$/.test(p.slice(i + 1)) && isIP(head) ? head : p;
}

/** Pending connections the xDS port queues (see listen-backlog.ts); Linux caps it at net.core.somaxconn. */
export const XDS_LISTEN_BACKLOG = 8192;

/**
 * gRPC server options: room for large snapshots; channelz off (it keeps
 * about 1 KB per connection; `close()` destroys the connections itself).
 */
export const XDS_GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.enable_channelz': 0,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 256 * 1024 * 1024,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_permit_without_calls': 1,
};

type AnyDuplex<Req, Res> = grpc.ServerDuplexStream<Req, Res>;

/** The ADS server: `listen`, `proxies()` for status, `traffic()` for totals, `close`. */
export class XdsServer {
  readonly grpcServer: grpc.Server;
  /** Holds `switchboard_xds_convergence_seconds`, `switchboard_xds_backlogged_streams` and `switchboard_xds_push_queue_length`. */
  readonly metrics: MetricsRegistry;
  private readonly recorder: TrafficRecorder;
  private readonly streams = new Set<AdsStream>();
  private readonly logger: Logger;
  private readonly host: CallHost;
  private nextStreamId = 1;
  private boundPort: number | undefined;
  private readonly boundAddresses: string[] = [];
  private readonly streamsPerClient = new Map<string, number>();

  constructor(private readonly opts: XdsServerOptions) {
    this.logger = opts.logger.child({ component: 'xds' });
    this.metrics = opts.metrics ?? new MetricsRegistry();
    this.recorder = new TrafficRecorder(this.metrics);
    const streamContext: AdsStreamContext = { cache: opts.cache, logger: this.logger, now: opts.now ?? (() => new Date()), observer: this.recorder };
    this.host = {
      logger: this.logger,
      streamContext,
      maxNames: opts.limits?.maxResourceNamesPerRequest ?? 10_000,
      authorizeStream: opts.authorizeStream,
      released: (c) => this.released(c),
    };
    this.grpcServer = new grpc.Server(XDS_GRPC_SERVER_OPTIONS);
    if (!raiseListenBacklog(this.grpcServer, XDS_LISTEN_BACKLOG)) this.logger.warn('cannot raise the xDS listen backlog with this grpc-js; a mass reconnect will be slower');
    this.grpcServer.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: AnyDuplex<DiscoveryRequest__Output, OutgoingDiscoveryResponse>) =>
        this.serve(call as AnyCall, 'sotw'),
      DeltaAggregatedResources: (call: AnyDuplex<DeltaDiscoveryRequest__Output, OutgoingDeltaDiscoveryResponse>) =>
        this.serve(call as AnyCall, 'delta'),
    });
    this.grpcServer.addService(csdsServiceDefinition, {
      FetchClientStatus: (
        call: grpc.ServerUnaryCall<ClientStatusRequest__Output, ClientStatusResponse>,
        callback: grpc.sendUnaryData<ClientStatusResponse>,
      ) => callback(null, clientStatus(this.streams, call.request)),
      StreamClientStatus: (call: grpc.ServerDuplexStream<ClientStatusRequest__Output, ClientStatusResponse>) => {
        call.on('data', (req: ClientStatusRequest__Output) => call.write(clientStatus(this.streams, req)));
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
    });
  }

  /** Binds (TLS when `tls` is given: PEM material or ready credentials, else plaintext) and resolves with the bound port; port 0 picks a free one. */
  async listen(host: string, port: number, tls?: XdsTls | grpc.ServerCredentials): Promise<number> {
    const creds = tls instanceof grpc.ServerCredentials
      ? tls
      : tls
      ? grpc.ServerCredentials.createSsl(
          Buffer.from(tls.caPem),
          [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }],
          tls.verifyIncoming,
        )
      : grpc.ServerCredentials.createInsecure();
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const bound = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync(`${hostPart}:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
    });
    this.boundPort = bound;
    this.boundAddresses.push(`${hostPart}:${bound}`);
    this.logger.info({ host, port: bound, tls: tls !== undefined }, 'xDS server listening');
    return bound;
  }

  /** The port bound by `listen`, if any. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** Status of every identified stream, oldest first. */
  proxies(): ProxyStatus[] {
    const out: ProxyStatus[] = [];
    for (const s of this.streams) {
      const st = s.status();
      if (st) out.push(st);
    }
    return out;
  }

  /** Counts over every identified stream for a metrics scrape (cheaper than `proxies()`). */
  streamTally(): StreamTally {
    const t = newStreamTally();
    for (const s of this.streams) s.tally(t);
    return t;
  }

  /** Running totals of responses, resources and removals sent, ACKs and NACKs heard, streams opened. */
  traffic(): XdsTraffic {
    return this.recorder.traffic();
  }

  /** Streams whose proxy stopped reading, waiting for their call to drain. */
  backloggedStreams(): number {
    return this.recorder.backloggedStreams();
  }

  /** Streams holding answers not yet written (waiting for the end of the tick or for a drain). */
  queuedStreams(): number {
    return this.recorder.queuedStreams();
  }

  /** Ends every stream and stops the server. */
  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    this.streams.clear();
    // Channelz is off (about 1 KB per connection), and grpc-js 1.14's
    // forceShutdown only destroys the connections channelz tracks: a drain
    // with no grace period destroys the others (on a timer, awaited below).
    for (const address of this.boundAddresses.splice(0)) this.grpcServer.drain(address, 0);
    // ADS streams never finish on their own: a graceful shutdown would wait forever.
    this.grpcServer.forceShutdown();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  private released(c: AdsCall): void {
    const n = (this.streamsPerClient.get(c.client) ?? 1) - 1;
    if (n > 0) this.streamsPerClient.set(c.client, n);
    else this.streamsPerClient.delete(c.client);
    this.streams.delete(c.stream);
  }

  private serve(call: AnyCall, mode: AdsMode): void {
    const client = peerAddress(call.getPeer());
    const maxStreams = this.opts.limits?.maxStreamsPerClient ?? 1_000;
    const open = this.streamsPerClient.get(client) ?? 0;
    if (open >= maxStreams) {
      this.logger.warn({ client, open, limit: maxStreams }, 'xDS stream refused: too many streams from this client');
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `too many xDS streams from ${client} (limit maxStreamsPerClient = ${maxStreams})` });
      return;
    }
    this.streamsPerClient.set(client, open + 1);
    const adsCall = new AdsCall(this.host, call, client, mode, this.nextStreamId++);
    this.streams.add(adsCall.stream);
    this.recorder.opened();
    callsByGrpcCall.set(call, adsCall);
    call.on('drain', onCallDrain);
    call.on('data', onCallData);
    call.on('end', onCallEnd);
    call.on('cancelled', onCallGone);
    call.on('error', onCallGone);
    call.on('close', onCallClose);
  }
}

/** What an AdsCall needs from its server. */
interface CallHost {
  readonly logger: Logger;
  readonly streamContext: AdsStreamContext;
  readonly maxNames: number;
  readonly authorizeStream: StreamAuthorizer | undefined;
  /** The call is over: its stream leaves the server and its client's count. */
  released(call: AdsCall): void;
}

type AnyCall = AnyDuplex<DiscoveryRequest__Output | DeltaDiscoveryRequest__Output, OutgoingDiscoveryResponse | OutgoingDeltaDiscoveryResponse>;

/**
 * One ADS call and its stream. There is one per connected proxy, so the
 * call's listeners are shared functions that find it here, rather than a set
 * of closures per call.
 */
const callsByGrpcCall = new WeakMap<object, AdsCall>();

function onCallData(this: object, req: DiscoveryRequest__Output | DeltaDiscoveryRequest__Output): void {
  callsByGrpcCall.get(this)?.onData(req);
}
function onCallDrain(this: object): void {
  callsByGrpcCall.get(this)?.stream.onDrain();
}
function onCallEnd(this: object): void {
  callsByGrpcCall.get(this)?.onEnd();
}
function onCallGone(this: object): void {
  const c = callsByGrpcCall.get(this);
  if (!c) return;
  c.ended = true;
  c.finish();
}
function onCallClose(this: object): void {
  callsByGrpcCall.get(this)?.finish();
}

/** The server side of one ADS call: limits, authorization, and the sink its AdsStream writes to. */
class AdsCall implements StreamSink {
  readonly stream: AdsStream;
  ended = false;
  private counted = true;
  private authorized: boolean;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly host: CallHost,
    private readonly call: AnyCall,
    readonly client: string,
    mode: AdsMode,
    id: number,
  ) {
    this.authorized = host.authorizeStream === undefined;
    this.stream = new AdsStream(id, mode, this, host.streamContext);
  }

  // grpc-js buffers 16 messages per call before write() says no; beyond
  // that the stream holds only the latest state until 'drain'.
  write(response: OutgoingDiscoveryResponse | OutgoingDeltaDiscoveryResponse): boolean {
    return this.ended ? true : this.call.write(response);
  }

  fail(message: string, internal?: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.call.emit('error', { code: internal ? grpc.status.INTERNAL : grpc.status.INVALID_ARGUMENT, details: message });
  }

  onData(req: DiscoveryRequest__Output | DeltaDiscoveryRequest__Output): void {
    if (this.ended) return;
    const names = resourceNameCount(req);
    if (names > this.host.maxNames) {
      return this.endWith(grpc.status.RESOURCE_EXHAUSTED, `request names ${names} resources (limit maxResourceNamesPerRequest = ${this.host.maxNames})`);
    }
    if (!this.authorized) {
      // The first request names the node; the token came with the call's metadata.
      const decision = this.host.authorizeStream!(this.call.metadata, req.node);
      if (!decision.ok) return this.endWith(grpc.status.PERMISSION_DENIED, decision.message, false);
      this.authorized = true;
      this.unwatch = decision.watch?.((message) => this.endWith(grpc.status.PERMISSION_DENIED, message, false));
    }
    try {
      if (this.stream.mode === 'delta') this.stream.onDeltaRequest(req as DeltaDiscoveryRequest__Output);
      else this.stream.onSotwRequest(req as DiscoveryRequest__Output);
    } catch (err) {
      this.host.logger.error({ err, stream: this.stream.id }, 'ADS request failed');
      this.fail(`internal error: ${(err as Error).message}`, true);
      this.finish();
    }
  }

  onEnd(): void {
    this.finish();
    if (!this.ended) {
      this.ended = true;
      this.call.end();
    }
  }

  /** Ends the call with `code`; logged once per refused stream, with the reason, unless `log` is false. */
  endWith(code: grpc.status, message: string, log = true): void {
    if (this.ended) return;
    this.ended = true;
    // Metadata (tokens) is never logged. ACL refusals are logged by the authorizer, which knows the node.
    if (log) this.host.logger.warn({ client: this.client, code: grpc.status[code], reason: message }, 'xDS stream refused');
    this.call.emit('error', { code, details: message });
    this.finish();
  }

  /** Releases everything the call holds; idempotent. */
  finish(): void {
    if (this.counted) {
      this.counted = false;
      this.host.released(this);
    }
    this.unwatch?.();
    this.unwatch = undefined;
    this.stream.close();
  }
}

/** How many resource names a SotW or delta request carries. */
function resourceNameCount(req: unknown): number {
  const r = req as { resource_names?: unknown[]; resource_names_subscribe?: unknown[]; resource_names_unsubscribe?: unknown[] };
  return (r.resource_names?.length ?? 0) + (r.resource_names_subscribe?.length ?? 0) + (r.resource_names_unsubscribe?.length ?? 0);
}
