/**
 * What a chain route does beyond picking clusters: timeouts, retries, prefix
 * and header rewrites, hash policies; and the cluster load-balancing policy
 * of a chain target. Two flavours, because grpc-js-xds (1.14) reads a subset:
 *
 * - timeout: Envoy reads RouteAction `timeout`; gRPC reads only
 *   `max_stream_duration.max_stream_duration` (gRFC A31), so proxyless gets that.
 * - retries: gRPC retries on gRPC status names only (cancelled,
 *   deadline-exceeded, internal, resource-exhausted, unavailable); other
 *   conditions are dropped, and connection-level ones (connect-failure, reset,
 *   refused-stream) become `unavailable`, which is how gRPC reports them.
 * - prefix rewrites, header rewrites and idle timeouts are Envoy-only: gRPC
 *   ignores them, so the proxyless flavour leaves them out rather than imply
 *   they apply.
 * - hash policies: gRPC hashes on headers only (and its own channel id);
 *   cookie, query and source-IP policies are Envoy-only.
 * - lb_policy: grpc-js NACKs any lb_policy but ROUND_ROBIN and RING_HASH, so
 *   proxyless clusters get RING_HASH for ring_hash and maglev (both consistent
 *   hashing) and ROUND_ROBIN for the rest.
 */
import type { ChainHashPolicy, ChainHeaderMods, ChainLoadBalancer, ChainRouteAction } from '../snapshot/types.ts';
import { durationMs, type EnvoyMessage } from './common.ts';

/** Which data plane reads the resource. */
export type Flavour = 'envoy' | 'grpc';

/** The retry conditions gRPC understands (grpc-js-xds RETRY_CODES). */
const GRPC_RETRY_CODES = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);
const CONNECTION_CONDITIONS = new Set(['connect-failure', 'reset', 'refused-stream']);

function envoyRetryPolicy(r: NonNullable<ChainRouteAction['retry']>): EnvoyMessage {
  const on = [...(r.onConnectFailure ? ['connect-failure'] : []), ...r.on, ...(r.statusCodes.length > 0 ? ['retriable-status-codes'] : [])];
  // NumRetries alone names no condition; a failed connection is the one retry that is always safe.
  const conditions = on.length > 0 ? [...new Set(on)] : ['connect-failure'];
  return {
    retry_on: conditions.join(','),
    ...(r.numRetries ? { num_retries: { value: r.numRetries } } : {}),
    ...(r.statusCodes.length > 0 ? { retriable_status_codes: r.statusCodes } : {}),
  };
}

function grpcRetryPolicy(r: NonNullable<ChainRouteAction['retry']>): EnvoyMessage | undefined {
  const codes = new Set<string>();
  if (r.onConnectFailure) codes.add('unavailable');
  for (const c of r.on) {
    if (GRPC_RETRY_CODES.has(c)) codes.add(c);
    else if (CONNECTION_CONDITIONS.has(c)) codes.add('unavailable');
  }
  if (codes.size === 0 && r.on.length === 0 && r.statusCodes.length === 0) codes.add('unavailable');
  if (codes.size === 0) return undefined;
  return { retry_on: [...codes].sort().join(','), ...(r.numRetries ? { num_retries: { value: r.numRetries } } : {}) };
}

/** Envoy HeaderValueOptions: Add appends to what is there, Set replaces it. */
export function headersToAdd(m: ChainHeaderMods): EnvoyMessage[] {
  return [
    ...m.add.map(([key, value]) => ({ header: { key, value }, append_action: 'APPEND_IF_EXISTS_OR_ADD' })),
    ...m.set.map(([key, value]) => ({ header: { key, value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
  ];
}

/** Header rewrite fields for a Route or a weighted ClusterWeight (Envoy flavour only). */
export function headerRewriteFields(req: ChainHeaderMods | undefined, res: ChainHeaderMods | undefined): EnvoyMessage {
  const out: EnvoyMessage = {};
  if (req && (req.add.length > 0 || req.set.length > 0)) out['request_headers_to_add'] = headersToAdd(req);
  if (req && req.remove.length > 0) out['request_headers_to_remove'] = req.remove;
  if (res && (res.add.length > 0 || res.set.length > 0)) out['response_headers_to_add'] = headersToAdd(res);
  if (res && res.remove.length > 0) out['response_headers_to_remove'] = res.remove;
  return out;
}

function hashPolicy(h: ChainHashPolicy, flavour: Flavour): EnvoyMessage | undefined {
  const terminal = h.terminal ? { terminal: true } : {};
  if (h.sourceIp) return flavour === 'envoy' ? { connection_properties: { source_ip: true }, ...terminal } : undefined;
  if (!h.fieldValue) return undefined;
  switch (h.field) {
    case 'header':
      return { header: { header_name: h.fieldValue }, ...terminal };
    case 'cookie': {
      if (flavour !== 'envoy') return undefined;
      const c = h.cookie ?? {};
      // A session cookie is one Envoy generates with a zero TTL; a TTL makes it generate a lasting one.
      const ttl = c.session ? { ttl: durationMs(0) } : c.ttlMs !== undefined ? { ttl: durationMs(c.ttlMs) } : {};
      return { cookie: { name: h.fieldValue, ...ttl, ...(c.path ? { path: c.path } : {}) }, ...terminal };
    }
    case 'query_parameter':
      return flavour === 'envoy' ? { query_parameter: { name: h.fieldValue }, ...terminal } : undefined;
    default:
      return undefined;
  }
}

/** The RouteAction fields (besides the cluster choice) of a chain route's action for one flavour. */
export function routeActionFields(a: ChainRouteAction | undefined, flavour: Flavour): EnvoyMessage {
  if (!a) return {};
  const out: EnvoyMessage = {};
  if (a.timeoutMs !== undefined) {
    if (flavour === 'envoy') out['timeout'] = durationMs(a.timeoutMs);
    else out['max_stream_duration'] = { max_stream_duration: durationMs(a.timeoutMs) };
  }
  if (flavour === 'envoy' && a.idleTimeoutMs !== undefined) out['idle_timeout'] = durationMs(a.idleTimeoutMs);
  if (a.retry) {
    const policy = flavour === 'envoy' ? envoyRetryPolicy(a.retry) : grpcRetryPolicy(a.retry);
    if (policy) out['retry_policy'] = policy;
  }
  if (flavour === 'envoy' && a.prefixRewrite !== undefined) out['prefix_rewrite'] = a.prefixRewrite;
  const hashes = (a.hashPolicies ?? []).flatMap((h) => hashPolicy(h, flavour) ?? []);
  if (hashes.length > 0) out['hash_policy'] = hashes;
  return out;
}

/** Cluster fields for a chain target's load balancer: `lb_policy` and its config (ROUND_ROBIN when absent). */
export function lbPolicyFields(lb: ChainLoadBalancer | undefined, flavour: Flavour): EnvoyMessage {
  if (!lb) return { lb_policy: 'ROUND_ROBIN' };
  const ring = lb.ringHash
    ? {
        ring_hash_lb_config: {
          ...(lb.ringHash.minimumRingSize ? { minimum_ring_size: { value: lb.ringHash.minimumRingSize } } : {}),
          ...(lb.ringHash.maximumRingSize ? { maximum_ring_size: { value: lb.ringHash.maximumRingSize } } : {}),
        },
      }
    : {};
  if (flavour === 'grpc') {
    return lb.policy === 'ring_hash' || lb.policy === 'maglev' ? { lb_policy: 'RING_HASH', ...ring } : { lb_policy: 'ROUND_ROBIN' };
  }
  switch (lb.policy) {
    case 'round_robin':
      return { lb_policy: 'ROUND_ROBIN' };
    case 'random':
      return { lb_policy: 'RANDOM' };
    case 'least_request':
      return { lb_policy: 'LEAST_REQUEST', ...(lb.leastRequestChoiceCount ? { least_request_lb_config: { choice_count: { value: lb.leastRequestChoiceCount } } } : {}) };
    case 'ring_hash':
      return { lb_policy: 'RING_HASH', ...ring };
    case 'maglev':
      return { lb_policy: 'MAGLEV' };
  }
}
