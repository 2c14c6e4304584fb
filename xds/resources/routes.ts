/** Route configurations: one per HTTP-family upstream, named by the upstream ID. */
import { clusterSni } from '../snapshot/names.ts';
import { assertNever, isHttpProtocol, type ChainHeaderMatch, type ChainRouteSnapshot, type ProxySnapshot, type UpstreamSnapshot } from '../snapshot/types.ts';
import { byName, type BuiltResource, type EnvoyMessage } from './common.ts';

function headerMatcher(h: ChainHeaderMatch): EnvoyMessage {
  const base = { name: h.name, ...(h.invert ? { invert_match: true } : {}) };
  if (h.exact !== undefined) return { ...base, string_match: { exact: h.exact } };
  if (h.prefix !== undefined) return { ...base, string_match: { prefix: h.prefix } };
  if (h.suffix !== undefined) return { ...base, string_match: { suffix: h.suffix } };
  if (h.regex !== undefined) return { ...base, string_match: { safe_regex: { regex: h.regex } } };
  return { ...base, present_match: true };
}

/** An Envoy RouteMatch from a chain route's match; methods become a `:method` header regex. */
function routeMatch(m: ChainRouteSnapshot['match']): EnvoyMessage {
  const path = m.pathExact !== undefined ? { path: m.pathExact } : m.pathRegex !== undefined ? { safe_regex: { regex: m.pathRegex } } : { prefix: m.pathPrefix ?? '/' };
  const headers = m.headers.map(headerMatcher);
  if (m.methods.length > 0) headers.push({ name: ':method', string_match: { safe_regex: { regex: m.methods.join('|') } } });
  return { ...path, ...(headers.length > 0 ? { headers } : {}) };
}

/** Where a chain route sends requests: one cluster, or weighted clusters. */
function routeAction(splits: ChainRouteSnapshot['splits']): EnvoyMessage {
  const only = splits.length === 1 ? splits[0] : undefined;
  if (only) return { cluster: only.clusterName };
  return { weighted_clusters: { clusters: splits.map((s) => ({ name: s.clusterName, weight: { value: s.weight } })) } };
}

function upstreamRoutes(trustDomain: string, u: UpstreamSnapshot): EnvoyMessage[] {
  if (!u.chain) return [{ match: { prefix: '/' }, route: { cluster: clusterSni(trustDomain, u.destination) } }];
  // A route whose every split has weight 0 has nowhere to go; the compiler keeps it, Envoy and gRPC refuse it.
  return u.chain.routes.filter((r) => r.splits.length > 0).map((r) => ({ match: routeMatch(r.match), route: routeAction(r.splits) }));
}

function upstreamRoute(trustDomain: string, u: UpstreamSnapshot): BuiltResource {
  return {
    name: u.id,
    resource: {
      name: u.id,
      virtual_hosts: [
        {
          name: u.id,
          domains: ['*'],
          routes: upstreamRoutes(trustDomain, u),
        },
      ],
    },
  };
}

/** Every route configuration of a proxy, sorted by name. gRPC is HTTP/2, so every proxyless upstream has one. */
export function buildRoutes(s: ProxySnapshot): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy':
      return s.upstreams.filter((u) => isHttpProtocol(u.protocol)).map((u) => upstreamRoute(s.tls.trustDomain, u)).sort(byName);
    case 'grpc-proxyless':
      return s.upstreams.map((u) => upstreamRoute(s.tls.trustDomain, u)).sort(byName);
    default:
      return assertNever(s);
  }
}
