/**
 * The xDS gRPC server: Envoy's AggregatedDiscoveryService (state-of-the-world
 * and delta) on @grpc/grpc-js, answering from a ConfigWatcher, plus CSDS.
 */
import * as grpc from '@grpc/grpc-js';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigWatcher } from '../cache/index.ts';
import { AdsStream, type StreamSink } from './ads-stream.ts';
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

/**
 * gRPC server options: room for large snapshots. Channelz stays on (about
 * 1 KB per connection): grpc-js 1.14 only closes the connections channelz
 * tracks when the server is force-shut-down, so without it `close()` would
 * leave proxies attached to a server that is gone.
 */
export const XDS_GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
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
  private readonly now: () => Date;
  private nextStreamId = 1;
  private boundPort: number | undefined;
  private readonly streamsPerClient = new Map<string, number>();

  constructor(private readonly opts: XdsServerOptions) {
    this.logger = opts.logger.child({ component: 'xds' });
    this.now = opts.now ?? (() => new Date());
    this.metrics = opts.metrics ?? new MetricsRegistry();
    this.recorder = new TrafficRecorder(this.metrics);
    this.grpcServer = new grpc.Server(XDS_GRPC_SERVER_OPTIONS);
    this.grpcServer.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: AnyDuplex<DiscoveryRequest__Output, OutgoingDiscoveryResponse>) =>
        this.serve(call, 'sotw', (stream, req) => stream.onSotwRequest(req)),
      DeltaAggregatedResources: (call: AnyDuplex<DeltaDiscoveryRequest__Output, OutgoingDeltaDiscoveryResponse>) =>
        this.serve(call, 'delta', (stream, req) => stream.onDeltaRequest(req)),
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
    const bound = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
    });
    this.boundPort = bound;
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
    // ADS streams never finish on their own: a graceful shutdown would wait forever.
    this.grpcServer.forceShutdown();
  }

  private serve<Req, Res extends OutgoingDiscoveryResponse | OutgoingDeltaDiscoveryResponse>(
    call: AnyDuplex<Req, Res>,
    mode: AdsMode,
    handle: (stream: AdsStream, req: Req) => void,
  ): void {
    let ended = false;
    const client = peerAddress(call.getPeer());
    const maxNames = this.opts.limits?.maxResourceNamesPerRequest ?? 10_000;
    const maxStreams = this.opts.limits?.maxStreamsPerClient ?? 1_000;
    const endWith = (code: grpc.status, message: string, log = true): void => {
      if (ended) return;
      ended = true;
      // Logged once per refused stream, with the reason; metadata (tokens) is never logged.
      // ACL refusals are logged by the authorizer, which knows the node.
      if (log) this.logger.warn({ client, code: grpc.status[code], reason: message }, 'xDS stream refused');
      call.emit('error', { code, details: message });
      finish();
    };
    const deny = (message: string): void => endWith(grpc.status.PERMISSION_DENIED, message, false);
    const open = this.streamsPerClient.get(client) ?? 0;
    if (open >= maxStreams) {
      ended = true;
      this.logger.warn({ client, open, limit: maxStreams }, 'xDS stream refused: too many streams from this client');
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `too many xDS streams from ${client} (limit maxStreamsPerClient = ${maxStreams})` });
      return;
    }
    this.streamsPerClient.set(client, open + 1);
    let counted = true;
    const sink: StreamSink = {
      // grpc-js buffers 16 messages per call before write() says no; beyond
      // that the stream holds only the latest state until 'drain'.
      write: (response) => (ended ? true : call.write(response as Res)),
      fail: (message, internal) => {
        if (ended) return;
        ended = true;
        call.emit('error', { code: internal ? grpc.status.INTERNAL : grpc.status.INVALID_ARGUMENT, details: message });
      },
    };
    const stream = new AdsStream(this.nextStreamId++, mode, sink, { cache: this.opts.cache, logger: this.logger, now: this.now, observer: this.recorder });
    this.streams.add(stream);
    this.recorder.opened();
    call.on('drain', () => stream.onDrain());
    let authorized = this.opts.authorizeStream === undefined;
    let unwatch: (() => void) | undefined;
    const finish = (): void => {
      if (counted) {
        counted = false;
        const n = (this.streamsPerClient.get(client) ?? 1) - 1;
        if (n > 0) this.streamsPerClient.set(client, n);
        else this.streamsPerClient.delete(client);
      }
      unwatch?.();
      unwatch = undefined;
      stream.close();
      this.streams.delete(stream);
    };
    call.on('data', (req: Req) => {
      if (ended) return;
      const names = resourceNameCount(req);
      if (names > maxNames) {
        return endWith(grpc.status.RESOURCE_EXHAUSTED, `request names ${names} resources (limit maxResourceNamesPerRequest = ${maxNames})`);
      }
      if (!authorized) {
        // The first request names the node; the token came with the call's metadata.
        const decision = this.opts.authorizeStream!(call.metadata, (req as { node?: DiscoveryRequest__Output['node'] }).node);
        if (!decision.ok) return deny(decision.message);
        authorized = true;
        unwatch = decision.watch?.(deny);
      }
      try {
        handle(stream, req);
      } catch (err) {
        this.logger.error({ err, stream: stream.id }, 'ADS request failed');
        sink.fail(`internal error: ${(err as Error).message}`, true);
        finish();
      }
    });
    call.on('end', () => {
      finish();
      if (!ended) {
        ended = true;
        call.end();
      }
    });
    call.on('cancelled', () => {
      ended = true;
      finish();
    });
    call.on('error', () => {
      ended = true;
      finish();
    });
    call.on('close', finish);
  }
}

/** How many resource names a SotW or delta request carries. */
function resourceNameCount(req: unknown): number {
  const r = req as { resource_names?: unknown[]; resource_names_subscribe?: unknown[]; resource_names_unsubscribe?: unknown[] };
  return (r.resource_names?.length ?? 0) + (r.resource_names_subscribe?.length ?? 0) + (r.resource_names_unsubscribe?.length ?? 0);
}
