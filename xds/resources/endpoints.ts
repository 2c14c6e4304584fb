/**
 * ClusterLoadAssignments: one per upstream cluster. An upstream with no
 * instances gets an explicit empty assignment, so the proxy drops stale
 * endpoints instead of waiting.
 */
import { clusterSni } from '../snapshot/names.ts';
import type { EndpointSnapshot, ProxySnapshot, UpstreamSnapshot } from '../snapshot/types.ts';
import { socketAddress, uniqueByName, type BuiltResource } from './common.ts';

function byAddress(a: EndpointSnapshot, b: EndpointSnapshot): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}

/**
 * The assignment for one upstream. The locality and its non-zero weight are
 * required by gRPC (it drops a group without them) and ignored by Envoy
 * unless locality-weighted balancing is on.
 */
export function loadAssignment(clusterName: string, endpoints: readonly EndpointSnapshot[]): BuiltResource {
  const lbEndpoints = [...endpoints].sort(byAddress).map((e) => ({
    endpoint: { address: socketAddress(e.address, e.port) },
    health_status: e.health,
    load_balancing_weight: { value: Math.max(1, e.weight) },
  }));
  return {
    name: clusterName,
    resource: {
      cluster_name: clusterName,
      endpoints: lbEndpoints.length === 0 ? [] : [{ locality: {}, load_balancing_weight: { value: 1 }, lb_endpoints: lbEndpoints }],
    },
  };
}

/** The assignments of an upstream: one per chain target, or its destination's one. */
function upstreamAssignments(trustDomain: string, u: UpstreamSnapshot): BuiltResource[] {
  if (u.chain) return u.chain.targets.map((t) => loadAssignment(t.clusterName, t.endpoints));
  return [loadAssignment(clusterSni(trustDomain, u.destination), u.endpoints)];
}

/** Every endpoint assignment of a proxy, sorted by cluster name, one per cluster. Both flavours use the same shape. */
export function buildEndpoints(s: ProxySnapshot): BuiltResource[] {
  return uniqueByName(s.upstreams.flatMap((u) => upstreamAssignments(s.tls.trustDomain, u)));
}
