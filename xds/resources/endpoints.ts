/**
 * ClusterLoadAssignments: one per upstream cluster. An upstream with no
 * instances gets an explicit empty assignment, so the proxy drops stale
 * endpoints instead of waiting.
 */
import { clusterSni } from '../snapshot/names.ts';
import type { ChainFailoverSnapshot, EndpointSnapshot, ProxySnapshot, UpstreamSnapshot } from '../snapshot/types.ts';
import { socketAddress, uniqueByName, type BuiltResource, type EnvoyMessage } from './common.ts';
import { NO_MEMO, type BuildMemo } from './memo.ts';

function byAddress(a: EndpointSnapshot, b: EndpointSnapshot): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}

function lbEndpoints(endpoints: readonly EndpointSnapshot[]): EnvoyMessage[] {
  return [...endpoints].sort(byAddress).map((e) => ({
    endpoint: { address: socketAddress(e.address, e.port) },
    health_status: e.health,
    load_balancing_weight: { value: Math.max(1, e.weight) },
  }));
}

/**
 * The assignment for one upstream. The locality and its non-zero weight are
 * required by gRPC (it drops a group without them) and ignored by Envoy
 * unless locality-weighted balancing is on.
 */
export function loadAssignment(clusterName: string, endpoints: readonly EndpointSnapshot[]): BuiltResource {
  const lbs = lbEndpoints(endpoints);
  return {
    name: clusterName,
    resource: {
      cluster_name: clusterName,
      endpoints: lbs.length === 0 ? [] : [{ locality: {}, load_balancing_weight: { value: 1 }, lb_endpoints: lbs }],
    },
  };
}

/**
 * Over-provisioning factor for assignments with failover: Envoy moves load to
 * the next priority in proportion to the unhealthy share of a priority times
 * this factor / 100 (default 140, so a priority 30% unhealthy already spills).
 * Failover means "when none is healthy", so the factor is large enough that a
 * single healthy endpoint keeps all the load. gRPC ignores it: its priority
 * balancer uses the first priority that can serve at all.
 */
const FAILOVER_OVERPROVISIONING = 1_000_000;

/**
 * The assignment of a chain target with failover targets: one locality group
 * per priority, the primary's endpoints at priority 0 and each failover
 * target's at the next. Groups with no endpoints are left out and the rest
 * renumbered (gRPC refuses priority n without n-1).
 *
 * Why priorities in one assignment rather than an aggregate cluster: both
 * Envoy and gRPC fail over between priorities and come back when the primary
 * recovers; failing over is then an endpoint update only (the cheapest push,
 * no cluster or route churn), and the cluster keeps its one SNI name. An
 * aggregate cluster would need a different `lb_policy` per flavour (Envoy
 * insists on CLUSTER_PROVIDED, grpc-js NACKs it). The cost: the cluster's TLS
 * accepts the failover targets' SPIFFE IDs too (see clusters.ts).
 */
export function failoverAssignment(clusterName: string, primary: readonly EndpointSnapshot[], failover: readonly ChainFailoverSnapshot[]): BuiltResource {
  const groups = [
    { locality: {}, endpoints: primary },
    // Distinct localities: gRPC names its priority children after the localities they hold.
    ...failover.map((f) => ({ locality: { sub_zone: f.clusterName }, endpoints: f.endpoints })),
  ].filter((g) => g.endpoints.length > 0);
  return {
    name: clusterName,
    resource: {
      cluster_name: clusterName,
      endpoints: groups.map((g, priority) => ({
        locality: g.locality,
        load_balancing_weight: { value: 1 },
        ...(priority > 0 ? { priority } : {}),
        lb_endpoints: lbEndpoints(g.endpoints),
      })),
      policy: { overprovisioning_factor: { value: FAILOVER_OVERPROVISIONING } },
    },
  };
}

/** An assignment built once per endpoint list (shared by identity when the gatherer shares the list). */
function sharedAssignment(memo: BuildMemo, clusterName: string, endpoints: readonly EndpointSnapshot[]): BuiltResource {
  return memo.byIdentity(endpoints, clusterName, () => loadAssignment(clusterName, endpoints));
}

/** The assignments of an upstream: one per chain target, or its destination's one (what buildEndpoints gives for it). */
export function upstreamAssignments(trustDomain: string, u: UpstreamSnapshot, memo: BuildMemo): BuiltResource[] {
  if (u.chain) {
    return u.chain.targets.map((t) => (t.failover ? failoverAssignment(t.clusterName, t.endpoints, t.failover) : sharedAssignment(memo, t.clusterName, t.endpoints)));
  }
  return [sharedAssignment(memo, clusterSni(trustDomain, u.destination), u.endpoints)];
}

/** Every endpoint assignment of a proxy, sorted by cluster name, one per cluster. Both flavours use the same shape. */
export function buildEndpoints(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): BuiltResource[] {
  return uniqueByName(s.upstreams.flatMap((u) => upstreamAssignments(s.tls.trustDomain, u, memo)));
}
