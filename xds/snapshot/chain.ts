/**
 * Discovery chains in a snapshot: compiles the chain of an HTTP-family
 * upstream from the config entries (service-router, service-splitter,
 * service-resolver) and turns it into routes and targets with their
 * endpoints. A default chain (no entry shapes it) gives nothing, and the
 * upstream keeps its single cluster.
 *
 * Honoured: route matches (path, headers, methods, query parameters); splits
 * and their header rewrites; route timeouts, retries, prefix rewrites and
 * header rewrites; resolver redirects, subsets (`Filter`, `OnlyPassing`),
 * connect and request timeouts, failover within this datacenter, load
 * balancers and hash policies. Failover to other datacenters is not done
 * (their endpoints are not in this catalog).
 */
import { topic, tryParseDuration, type CatalogStore } from '../../catalog/index.ts';
import { compileFilter } from '../../catalog/filter/index.ts';
import { compileDiscoveryChain, CONFIG_ENTRY_KINDS, ConfigEntrySet, type CompiledDiscoveryChain, type ConfigEntry, type DiscoveryTarget } from '../../policy/index.ts';
import type { SnapshotDependencies } from './gather.ts';
import type { HeaderModifiers, LoadBalancer, RouteDestination, ServiceSplit } from '../../policy/index.ts';
import type { ChainHashPolicy, ChainHeaderMods, ChainLoadBalancer, ChainRouteAction, ChainRouteSnapshot, ChainTargetSnapshot, EndpointSnapshot, UpstreamChain } from './types.ts';

/** The kinds whose entries shape a chain, as dependency keys for one service. */
const CHAIN_KINDS = ['service-router', 'service-splitter', 'service-resolver', 'service-defaults'] as const;

/** A chain target's endpoints: the mesh endpoints of its service that pass its subset's filter (and, if asked, only passing ones). */
export type TargetEndpoints = (service: string, select: (row: unknown, passing: boolean) => boolean) => EndpointSnapshot[];

type ChainCompilation = ReturnType<typeof compileDiscoveryChain>;

/**
 * What is derived from the config entries as of their last change: the
 * indexed entry set, and every chain compiled from it. A change is compiled
 * once and the chain shared by every proxy with that upstream rebuilt for it;
 * catalog writes (registrations, health) do not make it stale.
 */
const atIndex = new WeakMap<CatalogStore, { index: number; set: ConfigEntrySet; chains: Map<string, ChainCompilation> }>();

function derivedAtIndex(store: CatalogStore): { set: ConfigEntrySet; chains: Map<string, ChainCompilation> } {
  const index = store.topicIndex([topic.table('config')]);
  const hit = atIndex.get(store);
  if (hit && hit.index === index) return hit;
  const entries = store
    .listConfigEntries()
    .filter((r) => (CONFIG_ENTRY_KINDS as readonly string[]).includes(r.Kind))
    .map((r) => r.Body as unknown as ConfigEntry);
  const fresh = { index, set: new ConfigEntrySet(entries), chains: new Map<string, ChainCompilation>() };
  atIndex.set(store, fresh);
  return fresh;
}

/** The compiled chain of a service at the store's current index (compiled on first use, then shared). */
export function compiledChainAt(store: CatalogStore, req: { service: string; datacenter: string; trustDomain: string }): ChainCompilation {
  const derived = derivedAtIndex(store);
  const key = `${req.service}\u0000${req.datacenter}\u0000${req.trustDomain}`;
  let compiled = derived.chains.get(key);
  if (!compiled) {
    compiled = compileDiscoveryChain({ service: req.service, datacenter: req.datacenter, entries: derived.set, trustDomain: req.trustDomain });
    derived.chains.set(key, compiled);
  }
  return compiled;
}

type Split = { target: string; weight: number; requestHeaders?: ChainHeaderMods; responseHeaders?: ChainHeaderMods };

/** Header rewrites in a stable order, or undefined when there are none. */
function headerMods(m: HeaderModifiers | undefined): ChainHeaderMods | undefined {
  if (!m) return undefined;
  const pairs = (r: Record<string, string> | undefined): [string, string][] => Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: ChainHeaderMods = { add: pairs(m.Add), set: pairs(m.Set), remove: [...(m.Remove ?? [])] };
  return out.add.length + out.set.length + out.remove.length > 0 ? out : undefined;
}

/** Splits of the node `name` as (target id, weight in hundredths of a percent), with the split's header rewrites. */
function splitsOf(chain: CompiledDiscoveryChain, name: string, share: number, def?: ServiceSplit): Split[] {
  const node = chain.Nodes[name];
  if (!node) return [];
  switch (node.Type) {
    case 'resolver': {
      const requestHeaders = headerMods(def?.RequestHeaders);
      const responseHeaders = headerMods(def?.ResponseHeaders);
      return [{ target: node.Resolver.Target, weight: share, ...(requestHeaders ? { requestHeaders } : {}), ...(responseHeaders ? { responseHeaders } : {}) }];
    }
    case 'splitter':
      return node.Splits.flatMap((s) => splitsOf(chain, s.NextNode, (share * s.Weight) / 100, s.Definition));
    case 'router':
      // A router only starts a chain; the compiler never points at one from a route.
      return [];
  }
}

function routeMatch(def: ChainRouteSnapshot['match'] | undefined): ChainRouteSnapshot['match'] {
  return def ?? { pathPrefix: '/', headers: [], methods: [] };
}

/** Milliseconds of a Go duration, or undefined when absent or unreadable (validation already refused bad ones). */
function durationOf(d: string | undefined): number | undefined {
  return d ? tryParseDuration(d) : undefined;
}

const HASH_BASED = new Set(['ring_hash', 'maglev']);

/** Hash policies apply only where the node's balancer hashes (a resolver's, or the splitter's first hash-based one). */
function hashPoliciesOf(chain: CompiledDiscoveryChain, nodeName: string): ChainHashPolicy[] {
  const node = chain.Nodes[nodeName];
  const lb = node && node.Type !== 'router' ? node.LoadBalancer : undefined;
  if (!lb || !HASH_BASED.has(lb.Policy ?? '')) return [];
  return (lb.HashPolicies ?? []).map((h) => {
    const cookie = h.CookieConfig
      ? {
          ...(h.CookieConfig.Session ? { session: true } : {}),
          ...(h.CookieConfig.TTL ? { ttlMs: tryParseDuration(h.CookieConfig.TTL) ?? 0 } : {}),
          ...(h.CookieConfig.Path ? { path: h.CookieConfig.Path } : {}),
        }
      : undefined;
    return {
      ...(h.Field ? { field: h.Field } : {}),
      ...(h.FieldValue ? { fieldValue: h.FieldValue } : {}),
      ...(cookie ? { cookie } : {}),
      ...(h.SourceIP ? { sourceIp: true } : {}),
      ...(h.Terminal ? { terminal: true } : {}),
    };
  });
}

/**
 * The route action of a route to `nodeName` with the router's destination
 * `dest` (absent for a chain without a router). The router's RequestTimeout
 * wins; else a resolver reached directly lends its own.
 */
function routeActionOf(chain: CompiledDiscoveryChain, nodeName: string, dest: RouteDestination | undefined): ChainRouteAction | undefined {
  const node = chain.Nodes[nodeName];
  const action: ChainRouteAction = {};
  const timeout = durationOf(dest?.RequestTimeout) ?? (node?.Type === 'resolver' ? durationOf(node.Resolver.RequestTimeout) : undefined);
  if (timeout !== undefined && timeout > 0) action.timeoutMs = timeout;
  const idle = durationOf(dest?.IdleTimeout);
  if (idle !== undefined && idle > 0) action.idleTimeoutMs = idle;
  if ((dest?.NumRetries ?? 0) > 0 || dest?.RetryOnConnectFailure || (dest?.RetryOn ?? []).length > 0 || (dest?.RetryOnStatusCodes ?? []).length > 0) {
    action.retry = {
      ...((dest?.NumRetries ?? 0) > 0 ? { numRetries: dest?.NumRetries } : {}),
      onConnectFailure: dest?.RetryOnConnectFailure === true,
      on: [...(dest?.RetryOn ?? [])],
      statusCodes: [...(dest?.RetryOnStatusCodes ?? [])],
    };
  }
  if (dest?.PrefixRewrite) action.prefixRewrite = dest.PrefixRewrite;
  const requestHeaders = headerMods(dest?.RequestHeaders);
  if (requestHeaders) action.requestHeaders = requestHeaders;
  const responseHeaders = headerMods(dest?.ResponseHeaders);
  if (responseHeaders) action.responseHeaders = responseHeaders;
  const hashPolicies = hashPoliciesOf(chain, nodeName);
  if (hashPolicies.length > 0) action.hashPolicies = hashPolicies;
  return Object.keys(action).length > 0 ? action : undefined;
}

/** The routes of a compiled chain: the router's routes, or one catch-all route. */
function chainRoutes(chain: CompiledDiscoveryChain): { match: ChainRouteSnapshot['match']; splits: Split[]; action?: ChainRouteAction }[] {
  const start = chain.Nodes[chain.StartNode];
  const entries =
    start?.Type === 'router'
      ? start.Routes.map((r) => {
          const http = r.Definition.Match?.HTTP;
          const query = (http?.QueryParam ?? []).map((q) => ({
            name: q.Name,
            ...(q.Present ? { present: true } : {}),
            ...(q.Exact !== undefined ? { exact: q.Exact } : {}),
            ...(q.Regex !== undefined ? { regex: q.Regex } : {}),
          }));
          const match: ChainRouteSnapshot['match'] = {
            ...(http?.PathExact ? { pathExact: http.PathExact } : http?.PathRegex ? { pathRegex: http.PathRegex } : { pathPrefix: http?.PathPrefix || '/' }),
            headers: (http?.Header ?? []).map((h) => ({
              name: h.Name,
              ...(h.Present ? { present: true } : {}),
              ...(h.Exact !== undefined ? { exact: h.Exact } : {}),
              ...(h.Prefix !== undefined ? { prefix: h.Prefix } : {}),
              ...(h.Suffix !== undefined ? { suffix: h.Suffix } : {}),
              ...(h.Regex !== undefined ? { regex: h.Regex } : {}),
              ...(h.Invert ? { invert: true } : {}),
            })),
            methods: [...(http?.Methods ?? [])],
            ...(query.length > 0 ? { queryParams: query } : {}),
          };
          return { match, splits: splitsOf(chain, r.NextNode, 10000), action: routeActionOf(chain, r.NextNode, r.Definition.Destination) };
        })
      : [{ match: routeMatch(undefined), splits: splitsOf(chain, chain.StartNode, 10000), action: routeActionOf(chain, chain.StartNode, undefined) }];
  return entries.map((e) => ({ match: e.match, splits: mergeSplits(e.splits), ...(e.action ? { action: e.action } : {}) }));
}

/** Rounds weights to whole hundredths, merges repeats of one target (the first one's header rewrites win), drops zero weights. */
function mergeSplits(splits: Split[]): Split[] {
  const out = new Map<string, Split>();
  for (const s of splits) {
    const seen = out.get(s.target);
    out.set(s.target, seen ? { ...seen, weight: seen.weight + s.weight } : { ...s });
  }
  return [...out.values()].map((s) => ({ ...s, weight: Math.round(s.weight) })).filter((s) => s.weight > 0);
}

/** A resolver's LoadBalancer as the snapshot carries it; round robin (the default) is left out. */
function loadBalancerOf(lb: LoadBalancer | undefined): ChainLoadBalancer | undefined {
  const policy = lb?.Policy;
  if (!policy || policy === 'round_robin') return undefined;
  const out: ChainLoadBalancer = { policy };
  if (policy === 'ring_hash' && lb.RingHashConfig) {
    out.ringHash = {
      ...(lb.RingHashConfig.MinimumRingSize ? { minimumRingSize: lb.RingHashConfig.MinimumRingSize } : {}),
      ...(lb.RingHashConfig.MaximumRingSize ? { maximumRingSize: lb.RingHashConfig.MaximumRingSize } : {}),
    };
  }
  if (policy === 'least_request' && lb.LeastRequestConfig?.ChoiceCount) out.leastRequestChoiceCount = lb.LeastRequestConfig.ChoiceCount;
  return out;
}

function targetSnapshot(t: DiscoveryTarget, endpointsOf: TargetEndpoints): { snapshot: ChainTargetSnapshot } | { error: string } {
  const filter = compileFilter(t.Subset.Filter ?? '');
  if (!filter.ok) return { error: `target ${t.ID}: Filter: ${filter.errors.join('; ')}` };
  const onlyPassing = t.Subset.OnlyPassing === true;
  return {
    snapshot: {
      clusterName: t.Name,
      destination: { service: t.Service, namespace: t.Namespace, datacenter: t.Datacenter },
      connectTimeoutMs: tryParseDuration(t.ConnectTimeout) ?? 5000,
      endpoints: endpointsOf(t.Service, (row, passing) => (!onlyPassing || passing) && filter.value.matches(row)),
    },
  };
}

/**
 * The chain of an upstream to `service`, or undefined for a default chain.
 * Records the entries it read in `deps`; a chain that does not compile is an
 * error (the proxy keeps its last configuration).
 */
export function gatherUpstreamChain(
  store: CatalogStore,
  deps: SnapshotDependencies,
  req: { service: string; datacenter: string; trustDomain: string },
  endpointsOf: TargetEndpoints,
): { ok: true; chain: UpstreamChain | undefined } | { ok: false; error: string } {
  deps.configEntries.push(...CHAIN_KINDS.map((k) => `${k}/${req.service}`), 'proxy-defaults/global');
  const compiled = compiledChainAt(store, req);
  if (!compiled.ok) return { ok: false, error: `discovery chain of "${req.service}": ${compiled.errors.join('; ')}` };
  const chain = compiled.value;
  for (const t of Object.values(chain.Targets)) {
    deps.configEntries.push(...CHAIN_KINDS.map((k) => `${k}/${t.Service}`));
    deps.connect.push(t.Service);
  }
  if (chain.Default) return { ok: true, chain: undefined };
  const targets = new Map<string, ChainTargetSnapshot>();
  for (const [id, t] of Object.entries(chain.Targets)) {
    const built = targetSnapshot(t, endpointsOf);
    if ('error' in built) return { ok: false, error: built.error };
    targets.set(id, built.snapshot);
  }
  // A target's failover and balancer come from its resolver node (one per routed target).
  for (const node of Object.values(chain.Nodes)) {
    if (node.Type !== 'resolver') continue;
    const primary = targets.get(node.Resolver.Target);
    if (!primary) continue;
    const failover = (node.Resolver.Failover?.Targets ?? []).flatMap((id) => {
      const f = targets.get(id);
      // Another datacenter's endpoints are not in this catalog: out of scope here (single datacenter).
      if (!f || f.destination.datacenter !== req.datacenter) return [];
      return [{ clusterName: f.clusterName, destination: f.destination, endpoints: f.endpoints }];
    });
    const lb = loadBalancerOf(node.LoadBalancer);
    targets.set(node.Resolver.Target, { ...primary, ...(failover.length > 0 ? { failover } : {}), ...(lb ? { loadBalancer: lb } : {}) });
  }
  const routes: ChainRouteSnapshot[] = chainRoutes(chain).map((r) => ({
    match: r.match,
    splits: r.splits.map(({ target, ...rest }) => ({ clusterName: targets.get(target)?.clusterName ?? target, ...rest })),
    ...(r.action ? { action: r.action } : {}),
  }));
  const used = new Set(routes.flatMap((r) => r.splits.map((s) => s.clusterName)));
  const list = [...new Map([...targets.values()].filter((t) => used.has(t.clusterName)).map((t) => [t.clusterName, t])).values()];
  return { ok: true, chain: { routes, targets: list.sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0)) } };
}
