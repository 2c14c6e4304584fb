/** Route configurations: one per HTTP-family upstream, named by the upstream ID. */
import { clusterSni } from '../snapshot/names.ts';
import { assertNever, isHttpProtocol, type ChainHeaderMatch, type ChainHeaderMods, type ChainQueryMatch, type ChainRouteSnapshot, type ProxySnapshot, type UpstreamSnapshot } from '../snapshot/types.ts';
import { byName, type BuiltResource, type EnvoyMessage } from './common.ts';
import { headerRewriteFields, routeActionFields, type Flavour } from './route-actions.ts';
import { NO_MEMO, type BuildMemo } from './memo.ts';

function headerMatcher(h: ChainHeaderMatch): EnvoyMessage {
  const base = { name: h.name, ...(h.invert ? { invert_match: true } : {}) };
  if (h.exact !== undefined) return { ...base, string_match: { exact: h.exact } };
  if (h.prefix !== undefined) return { ...base, string_match: { prefix: h.prefix } };
  if (h.suffix !== undefined) return { ...base, string_match: { suffix: h.suffix } };
  if (h.regex !== undefined) return { ...base, string_match: { safe_regex: { regex: h.regex } } };
  return { ...base, present_match: true };
}

function queryMatcher(q: ChainQueryMatch): EnvoyMessage {
  if (q.exact !== undefined) return { name: q.name, string_match: { exact: q.exact } };
  if (q.regex !== undefined) return { name: q.name, string_match: { safe_regex: { regex: q.regex } } };
  return { name: q.name, present_match: true };
}

/** An Envoy RouteMatch from a chain route's match; methods become a `:method` header regex. */
function routeMatch(m: ChainRouteSnapshot['match']): EnvoyMessage {
  const path = m.pathExact !== undefined ? { path: m.pathExact } : m.pathRegex !== undefined ? { safe_regex: { regex: m.pathRegex } } : { prefix: m.pathPrefix ?? '/' };
  const headers = m.headers.map(headerMatcher);
  if (m.methods.length > 0) headers.push({ name: ':method', string_match: { safe_regex: { regex: m.methods.join('|') } } });
  const query = (m.queryParams ?? []).map(queryMatcher);
  return { ...path, ...(headers.length > 0 ? { headers } : {}), ...(query.length > 0 ? { query_parameters: query } : {}) };
}

/** Where a chain route sends requests: one cluster, or weighted clusters (each with its header rewrites, Envoy only). */
function routeAction(r: ChainRouteSnapshot, flavour: Flavour): EnvoyMessage {
  const extra = routeActionFields(r.action, flavour);
  const only = r.splits.length === 1 ? r.splits[0] : undefined;
  if (only) return { cluster: only.clusterName, ...extra };
  const clusters = r.splits.map((s) => ({
    name: s.clusterName,
    weight: { value: s.weight },
    ...(flavour === 'envoy' ? headerRewriteFields(s.requestHeaders, s.responseHeaders) : {}),
  }));
  return { weighted_clusters: { clusters }, ...extra };
}

/** A chain route. A lone split's header rewrites apply to the whole route (Envoy only). */
function chainRoute(r: ChainRouteSnapshot, flavour: Flavour): EnvoyMessage {
  const only = r.splits.length === 1 ? r.splits[0] : undefined;
  const headers =
    flavour === 'envoy'
      ? headerRewriteFields(mergeMods(r.action?.requestHeaders, only?.requestHeaders), mergeMods(r.action?.responseHeaders, only?.responseHeaders))
      : {};
  return { match: routeMatch(r.match), route: routeAction(r, flavour), ...headers };
}

function mergeMods(a: ChainHeaderMods | undefined, b: ChainHeaderMods | undefined): ChainHeaderMods | undefined {
  if (!a || !b) return a ?? b;
  return { add: [...a.add, ...b.add], set: [...a.set, ...b.set], remove: [...a.remove, ...b.remove] };
}

function upstreamRoutes(trustDomain: string, u: UpstreamSnapshot, flavour: Flavour): EnvoyMessage[] {
  if (!u.chain) return [{ match: { prefix: '/' }, route: { cluster: clusterSni(trustDomain, u.destination) } }];
  // A route whose every split has weight 0 has nowhere to go; the compiler keeps it, Envoy and gRPC refuse it.
  // gRPC requests carry no query string, so a route that needs query parameters never matches one; grpc-js
  // would ignore the matcher and match everything, so the proxyless flavour leaves such routes out.
  return u.chain.routes
    .filter((r) => r.splits.length > 0 && (flavour === 'envoy' || (r.match.queryParams ?? []).length === 0))
    .map((r) => chainRoute(r, flavour));
}

function upstreamRoute(trustDomain: string, u: UpstreamSnapshot, flavour: Flavour): BuiltResource {
  return {
    name: u.id,
    resource: {
      name: u.id,
      virtual_hosts: [
        {
          name: u.id,
          domains: ['*'],
          routes: upstreamRoutes(trustDomain, u, flavour),
        },
      ],
    },
  };
}

/** An upstream's route configuration, shared by every proxy with the same upstream and chain routes. */
function sharedRoute(memo: BuildMemo, trustDomain: string, u: UpstreamSnapshot, flavour: Flavour): BuiltResource {
  return memo.byIdentity(u, `route\0${flavour}\0${trustDomain}`, () => upstreamRoute(trustDomain, u, flavour));
}

/** Every route configuration of a proxy, sorted by name. gRPC is HTTP/2, so every proxyless upstream has one. */
export function buildRoutes(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy':
      return s.upstreams.filter((u) => isHttpProtocol(u.protocol)).map((u) => sharedRoute(memo, s.tls.trustDomain, u, 'envoy')).sort(byName);
    case 'grpc-proxyless':
      return s.upstreams.map((u) => sharedRoute(memo, s.tls.trustDomain, u, 'grpc')).sort(byName);
    default:
      return assertNever(s);
  }
}
