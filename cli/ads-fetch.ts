/**
 * A one-shot delta ADS client: connects to a live server's xDS port as a
 * proxy, subscribes the way that proxy would (Envoy: wildcard clusters and
 * listeners, then the endpoints, routes and secrets they name; proxyless
 * gRPC: the listeners asked for, then whatever they reference), ACKs every
 * response, and returns what it received once every reference is resolved.
 */
import * as grpc from '@grpc/grpc-js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
  SECRET_TYPE,
  adsServiceDefinition,
} from '../xds/index.ts';
import type { DeltaDiscoveryResponse__Output } from '../xds/generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.ts';
import { decodeResource, resourceName, type RenderedResources, type ResourceJson } from './resource-json.ts';

/** Who to connect as, and where. */
export interface AdsFetchOptions {
  /** `host:port` of the xDS gRPC server. */
  grpcAddr: string;
  nodeId: string;
  /** Envoy's node.cluster; the service name is customary. Defaults to nodeId. */
  cluster?: string;
  flavour: 'envoy' | 'grpc';
  /** Listener names a proxyless client subscribes to (it does not use wildcards). */
  listeners?: readonly string[];
  /** Give up waiting for references after this long (ms). */
  timeoutMs: number;
  /** ACL token, sent as `x-consul-token` metadata as a proxy would. */
  token?: string;
  /** Asked, while the stream is still open, why references are missing at the timeout (the server's view of the proxy). */
  explainMissing?: () => Promise<string | undefined>;
}

/** What was received, and the references that never arrived. */
export interface AdsFetchResult {
  resources: RenderedResources;
  /** `type/name` of resources referenced but not received before the timeout. */
  missing: string[];
  /** What `explainMissing` said, when something was missing. */
  explanation?: string;
}

const KEY_OF: Record<string, keyof RenderedResources> = {
  [LISTENER_TYPE]: 'listeners',
  [CLUSTER_TYPE]: 'clusters',
  [ROUTE_TYPE]: 'routes',
  [ENDPOINT_TYPE]: 'endpoints',
  [SECRET_TYPE]: 'secrets',
};

/** Names a resource refers to, by type URL (found by walking its decoded form). */
export function referencesOf(typeUrl: string, r: ResourceJson): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const add = (t: string, name: unknown): void => {
    if (typeof name !== 'string' || name === '') return;
    if (!refs.has(t)) refs.set(t, new Set());
    refs.get(t)!.add(name);
  };
  const walk = (v: unknown, parentKey: string): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, parentKey));
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if ('sds_config' in o) add(SECRET_TYPE, o['name']);
    if (typeof o['route_config_name'] === 'string') add(ROUTE_TYPE, o['route_config_name']);
    // Route actions and TCP proxies name clusters; weighted clusters list them by name.
    if (typeof o['cluster'] === 'string') add(CLUSTER_TYPE, o['cluster']);
    if (parentKey === 'clusters' && typeof o['name'] === 'string' && 'weight' in o) add(CLUSTER_TYPE, o['name']);
    for (const [k, x] of Object.entries(o)) walk(x, k);
  };
  walk(r, '');
  if (typeUrl === CLUSTER_TYPE && r['type'] === 'EDS') {
    const eds = r['eds_cluster_config'] as { service_name?: string } | undefined;
    add(ENDPOINT_TYPE, eds?.service_name || resourceName(r));
  }
  return refs;
}

const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');

/** Fetches a proxy's resources over delta ADS (plaintext). Rejects when the server cannot be reached or ends the stream. */
export function fetchProxyResources(opts: AdsFetchOptions): Promise<AdsFetchResult> {
  const client = new AdsClient(opts.grpcAddr, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (opts.token) metadata.set('x-consul-token', opts.token);
  const call = client['DeltaAggregatedResources']!(metadata) as grpc.ClientDuplexStream<Record<string, unknown>, DeltaDiscoveryResponse__Output>;
  const node = {
    id: opts.nodeId,
    cluster: opts.cluster ?? opts.nodeId,
    user_agent_name: opts.flavour === 'grpc' ? 'grpc-node-js' : 'envoy',
  };
  const received = new Map<string, Map<string, ResourceJson>>();
  const subscribed = new Map<string, Set<string>>();
  const wildcardAnswered = new Map<string, boolean>();
  let sentNode = false;

  const send = (req: Record<string, unknown>): void => {
    call.write(sentNode ? req : { ...req, node });
    sentNode = true;
  };
  const subscribe = (typeUrl: string, names: string[]): void => {
    const have = subscribed.get(typeUrl) ?? new Set<string>();
    const fresh = names.filter((n) => !have.has(n));
    if (fresh.length === 0) return;
    fresh.forEach((n) => have.add(n));
    subscribed.set(typeUrl, have);
    send({ type_url: typeUrl, resource_names_subscribe: fresh });
  };
  const missing = (): string[] => {
    const out: string[] = [];
    for (const [t, names] of subscribed) {
      for (const n of names) if (n !== '*' && !received.get(t)?.has(n)) out.push(`${KEY_OF[t]}/${n}`);
    }
    for (const [t, answered] of wildcardAnswered) if (!answered) out.push(`${KEY_OF[t]}/*`);
    return out.sort();
  };
  const result = (): AdsFetchResult => {
    const pick = (t: string): ResourceJson[] => [...(received.get(t)?.values() ?? [])];
    return {
      resources: { listeners: pick(LISTENER_TYPE), clusters: pick(CLUSTER_TYPE), routes: pick(ROUTE_TYPE), endpoints: pick(ENDPOINT_TYPE), secrets: pick(SECRET_TYPE) },
      missing: missing(),
    };
  };

  return new Promise<AdsFetchResult>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.cancel();
      client.close();
      if (err) reject(err);
      else resolve(explanation ? { ...result(), explanation } : result());
    };
    let explanation: string | undefined;
    const timer = setTimeout(() => {
      const explain = opts.explainMissing;
      if (!explain || missing().length === 0) return finish();
      explain()
        .then((why) => (explanation = why), () => undefined)
        .finally(() => finish());
    }, opts.timeoutMs);
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) finish(new Error(`xDS stream to ${opts.grpcAddr} failed: ${err.details || err.message}`));
    });
    call.on('end', () => finish());
    call.on('data', (res: DeltaDiscoveryResponse__Output) => {
      const typeUrl = res.type_url ?? '';
      send({ type_url: typeUrl, response_nonce: res.nonce ?? '' });
      if (!KEY_OF[typeUrl]) return;
      if (wildcardAnswered.has(typeUrl)) wildcardAnswered.set(typeUrl, true);
      const byName = received.get(typeUrl) ?? new Map<string, ResourceJson>();
      received.set(typeUrl, byName);
      for (const name of res.removed_resources ?? []) byName.delete(name);
      for (const w of res.resources ?? []) {
        const bytes = w.resource?.value;
        if (!bytes) continue;
        const decoded = decodeResource(w.resource?.type_url || typeUrl, bytes);
        byName.set(w.name || resourceName(decoded), decoded);
        for (const [t, names] of referencesOf(typeUrl, decoded)) {
          // An Envoy sidecar already has every cluster through its wildcard subscription.
          if (t === CLUSTER_TYPE && opts.flavour === 'envoy') continue;
          subscribe(t, [...names]);
        }
      }
      if (missing().length === 0) finish();
    });

    if (opts.flavour === 'envoy') {
      for (const t of [CLUSTER_TYPE, LISTENER_TYPE]) {
        wildcardAnswered.set(t, false);
        send({ type_url: t, resource_names_subscribe: ['*'] });
      }
    } else {
      subscribe(LISTENER_TYPE, [...(opts.listeners ?? [])]);
      if ((opts.listeners ?? []).length === 0) finish(new Error('a proxyless client subscribes to named listeners only: pass --listener NAME'));
    }
  });
}
