/**
 * An ADS client whose reading can be stopped: each stream has its own HTTP/2
 * connection (a local subchannel pool), so pausing it exhausts that
 * connection's flow-control window and nothing else's, as with one Envoy.
 * It also keeps what the proxy would hold, per type, from the responses read.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../../../xds/index.ts';
import type { DiscoveryRequest } from '../../../xds/generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
import type { DeltaDiscoveryRequest } from '../../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import type { DiscoveryResponse__Output } from '../../../xds/generated/envoy/service/discovery/v3/DiscoveryResponse.ts';
import type { DeltaDiscoveryResponse__Output } from '../../../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.ts';
import { isResourceTypeUrl, resourceNameOf, type NodeSnapshot, type Resource, type ResourceTypeUrl } from '../../../xds/index.ts';
import { decodeAny } from '../ads-client.ts';

const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');

type Mode = 'delta' | 'sotw';
type Response = DiscoveryResponse__Output | DeltaDiscoveryResponse__Output;
type Call = grpc.ClientDuplexStream<DiscoveryRequest | DeltaDiscoveryRequest, Response>;

/** One ADS stream on its own connection; `pause()` stops reading at the socket. */
export class PausableAdsStream {
  private readonly client: grpc.Client;
  private readonly call: Call;
  private readonly queue: Response[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  /** Responses read so far. */
  received = 0;
  /** type → name → fingerprint (delta: the version; SotW: the bytes), as a proxy applying every response read would hold it. */
  readonly held = new Map<string, Map<string, string>>();

  constructor(
    address: string,
    readonly mode: Mode,
  ) {
    this.client = new AdsClient(address, grpc.credentials.createInsecure(), {
      'grpc.enable_channelz': 0,
      'grpc.use_local_subchannel_pool': 1,
    });
    const method = mode === 'delta' ? 'DeltaAggregatedResources' : 'StreamAggregatedResources';
    this.call = (this.client as unknown as Record<string, () => Call>)[method]!.call(this.client);
    this.call.on('data', (r: Response) => {
      this.received++;
      this.apply(r);
      this.queue.push(r);
      const w = this.waiter;
      this.waiter = undefined;
      w?.();
    });
    this.call.on('error', () => {
      this.ended = true;
      this.waiter?.();
    });
  }

  /** Sends one request (delta or SotW, matching the mode). */
  send(req: DiscoveryRequest | DeltaDiscoveryRequest): void {
    this.call.write(req);
  }

  /** Stops reading: responses stay in the socket and the server's buffers. */
  pause(): void {
    this.call.pause();
  }

  /** Reads again. */
  resume(): void {
    this.call.resume();
  }

  /** The next response read, failing after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ADS response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(timer), resolve());
      });
    }
    return this.queue.shift()!;
  }

  /** Reads until the held state equals `expected` for each of `types`; fails after `timeoutMs`. */
  async until(expected: NodeSnapshot, types: ResourceTypeUrl[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!types.every((t) => this.holds(t, expected.get(t)))) {
      this.queue.length = 0;
      await this.next(Math.max(1, deadline - Date.now()));
    }
  }

  /** True when what is held of `typeUrl` is exactly `expected` (names and content). */
  holds(typeUrl: string, expected: ReadonlyMap<string, Resource> | undefined): boolean {
    const h = this.held.get(typeUrl) ?? new Map<string, string>();
    const e = expected ?? new Map<string, Resource>();
    if (h.size !== e.size) return false;
    for (const [name, r] of e) if (h.get(name) !== (this.mode === 'delta' ? r.version : r.any.value.toString('base64'))) return false;
    return true;
  }

  /** Cancels the call and closes the connection. */
  close(): void {
    this.call.on('error', () => {});
    this.call.cancel();
    this.client.close();
  }

  private apply(r: Response): void {
    const type = r.type_url ?? '';
    let byName = this.held.get(type);
    if (!byName) this.held.set(type, (byName = new Map()));
    if (this.mode === 'sotw') {
      // A SotW response is the whole subscribed set; names are inside the resources.
      byName.clear();
      if (!isResourceTypeUrl(type)) return;
      for (const any of (r as DiscoveryResponse__Output).resources ?? []) {
        byName.set(resourceNameOf(type, decodeAny(any)), Buffer.from(any.value ?? []).toString('base64'));
      }
      return;
    }
    const delta = r as DeltaDiscoveryResponse__Output;
    for (const res of delta.resources ?? []) byName.set(res.name ?? '', res.version ?? '');
    for (const name of delta.removed_resources ?? []) byName.delete(name);
  }
}

