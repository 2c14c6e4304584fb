/**
 * A raw ADS client for protocol tests: one bidi stream (SotW or delta) built
 * from the same service definition the server uses, with a queue of
 * responses to await in order.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, csdsServiceDefinition, messageType, messageNameOf } from '../../xds/index.ts';
import type { ClientStatusResponse } from '../../xds/generated/envoy/service/status/v3/ClientStatusResponse.ts';
import type { DiscoveryResponse__Output } from '../../xds/generated/envoy/service/discovery/v3/DiscoveryResponse.ts';
import type { DeltaDiscoveryResponse__Output } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.ts';
import type { DiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
import type { DeltaDiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';

export type SotwResponse = DiscoveryResponse__Output;
export type DeltaResponse = DeltaDiscoveryResponse__Output;

const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');

/** A node as an Envoy sidecar or a proxyless gRPC client describes itself. */
export function makeNode(id: string, flavour: 'envoy' | 'grpc' = 'envoy'): DiscoveryRequest['node'] {
  return flavour === 'grpc'
    ? { id, cluster: 'svc', user_agent_name: 'grpc-node-js', locality: {} }
    : { id, cluster: 'svc', user_agent_name: 'envoy' };
}

/** Decodes a resource Any into a plain object (keepCase field names). */
export function decodeAny(any: { type_url?: string; value?: Buffer | Uint8Array | string }): Record<string, unknown> {
  const type = messageType(messageNameOf(any.type_url ?? ''));
  const bytes = typeof any.value === 'string' ? Buffer.from(any.value, 'base64') : (any.value ?? new Uint8Array());
  return type.toObject(type.decode(bytes), { enums: String, longs: String }) as Record<string, unknown>;
}

/** One open ADS stream with a queue of received responses. */
export class AdsTestStream<Req, Res> {
  private readonly queue: Res[] = [];
  private waiter: ((r: Res) => void) | undefined;
  error: grpc.ServiceError | undefined;
  private readonly done: Promise<grpc.ServiceError | undefined>;

  constructor(private readonly call: grpc.ClientDuplexStream<Req, Res>) {
    call.on('data', (r: Res) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(r);
      } else this.queue.push(r);
    });
    this.done = new Promise((resolve) => {
      call.on('error', (err: grpc.ServiceError) => {
        this.error = err;
        resolve(err);
      });
      call.on('end', () => resolve(this.error));
    });
  }

  /** Resolves when the server ends the stream, with its error if any. */
  ended(): Promise<grpc.ServiceError | undefined> {
    return this.done;
  }

  /** Sends one request. */
  send(req: Req): void {
    this.call.write(req);
  }

  /** The next response, failing after `timeoutMs`. */
  next(timeoutMs = 3000): Promise<Res> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no ADS response within ${timeoutMs} ms${this.error ? ` (stream error: ${this.error.message})` : ''}`));
      }, timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  /** Resolves when nothing arrives for `ms`; rejects with what arrived otherwise. */
  async expectSilence(ms = 250): Promise<void> {
    const got = await this.next(ms).then(
      (r) => r,
      () => undefined,
    );
    if (got !== undefined) throw new Error(`expected no response, got ${JSON.stringify(summary(got))}`);
  }

  /** Half-closes and cancels the call. */
  close(): void {
    this.call.end();
    this.call.cancel();
  }
}

function summary(r: unknown): unknown {
  const o = r as { type_url?: string; nonce?: string; resources?: unknown[]; removed_resources?: string[] };
  return { type_url: o.type_url, nonce: o.nonce, resources: o.resources?.length, removed: o.removed_resources };
}

/** A client connection to an ADS server. */
export class AdsTestClient {
  private readonly client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  private readonly streams: Array<{ close(): void }> = [];

  constructor(address: string) {
    this.client = new AdsClient(address, grpc.credentials.createInsecure(), { 'grpc.enable_channelz': 0 }) as typeof this.client;
  }

  /** Opens a state-of-the-world stream. */
  sotw(): AdsTestStream<DiscoveryRequest, SotwResponse> {
    const call = this.client['StreamAggregatedResources']!() as grpc.ClientDuplexStream<DiscoveryRequest, SotwResponse>;
    const s = new AdsTestStream(call);
    this.streams.push(s);
    return s;
  }

  /** Opens a delta stream. */
  delta(): AdsTestStream<DeltaDiscoveryRequest, DeltaResponse> {
    const call = this.client['DeltaAggregatedResources']!() as grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaResponse>;
    const s = new AdsTestStream(call);
    this.streams.push(s);
    return s;
  }

  /** Closes every stream and the channel. */
  close(): void {
    for (const s of this.streams) s.close();
    this.client.close();
  }
}

const CsdsClient = grpc.makeGenericClientConstructor(csdsServiceDefinition, 'ClientStatusDiscoveryService');

/** A CSDS client over a real gRPC connection, made on first use. */
export class CsdsTestClient {
  private client: grpc.Client | undefined;
  constructor(private readonly address: string) {}

  /** One FetchClientStatus call. */
  fetch(request: Record<string, unknown>): Promise<ClientStatusResponse> {
    const client = (this.client ??= new CsdsClient(this.address, grpc.credentials.createInsecure()));
    const method = (client as unknown as Record<string, (req: unknown, cb: (err: Error | null, res?: ClientStatusResponse) => void) => void>)['FetchClientStatus']!;
    return new Promise((resolve, reject) => method.call(client, request, (err, res) => (err || !res ? reject(err) : resolve(res))));
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }
}
