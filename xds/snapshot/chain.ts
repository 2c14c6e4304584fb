/**
 * Discovery chains in a snapshot: compiles the chain of an HTTP-family
 * upstream from the config entries (service-router, service-splitter,
 * service-resolver) and turns it into routes and targets with their
 * endpoints. A default chain (no entry shapes it) gives nothing, and the
 * upstream keeps its single cluster.
 *
 * Honoured: route matches on path, headers and methods; splits; resolver
 * redirects, subsets (`Filter`, `OnlyPassing`) and connect timeouts.
 * Not yet: query-parameter matches, retries, timeouts, header rewrites,
 * failover and load-balancer policies.
 */
import { tryParseDuration, type CatalogStore } from '../../catalog/index.ts';
import { compileFilter } from '../../catalog/filter/index.ts';
import { compileDiscoveryChain, CONFIG_ENTRY_KINDS, ConfigEntrySet, type CompiledDiscoveryChain, type ConfigEntry, type DiscoveryTarget } from '../../policy/index.ts';
import type { SnapshotDependencies } from './gather.ts';
import type { ChainRouteSnapshot, ChainTargetSnapshot, EndpointSnapshot, UpstreamChain } from './types.ts';

/** The kinds whose entries shape a chain, as dependency keys for one service. */
const CHAIN_KINDS = ['service-router', 'service-splitter', 'service-resolver', 'service-defaults'] as const;

/** A chain target's endpoints: the mesh endpoints of its service that pass its subset's filter (and, if asked, only passing ones). */
export type TargetEndpoints = (service: string, select: (row: unknown, passing: boolean) => boolean) => EndpointSnapshot[];

/** The indexed config entries at the store's current index, shared by every chain compiled at that index. */
const entrySets = new WeakMap<CatalogStore, { index: number; set: ConfigEntrySet }>();

function chainEntrySet(store: CatalogStore): ConfigEntrySet {
  const index = store.currentIndex();
  const hit = entrySets.get(store);
  if (hit && hit.index === index) return hit.set;
  const entries = store
    .listConfigEntries()
    .filter((r) => (CONFIG_ENTRY_KINDS as readonly string[]).includes(r.Kind))
    .map((r) => r.Body as unknown as ConfigEntry);
  const set = new ConfigEntrySet(entries);
  entrySets.set(store, { index, set });
  return set;
}

/** Splits of the node `name` as (target id, weight in hundredths of a percent). */
function splitsOf(chain: CompiledDiscoveryChain, name: string, share: number): { target: string; weight: number }[] {
  const node = chain.Nodes[name];
  if (!node) return [];
  switch (node.Type) {
    case 'resolver':
      return [{ target: node.Resolver.Target, weight: share }];
    case 'splitter':
      return node.Splits.flatMap((s) => splitsOf(chain, s.NextNode, (share * s.Weight) / 100));
    case 'router':
      // A router only starts a chain; the compiler never points at one from a route.
      return [];
  }
}

function routeMatch(def: ChainRouteSnapshot['match'] | undefined): ChainRouteSnapshot['match'] {
  return def ?? { pathPrefix: '/', headers: [], methods: [] };
}

/** The routes of a compiled chain: the router's routes, or one catch-all route. */
function chainRoutes(chain: CompiledDiscoveryChain): { match: ChainRouteSnapshot['match']; splits: { target: string; weight: number }[] }[] {
  const start = chain.Nodes[chain.StartNode];
  const entries =
    start?.Type === 'router'
      ? start.Routes.map((r) => {
          const http = r.Definition.Match?.HTTP;
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
          };
          return { match, splits: splitsOf(chain, r.NextNode, 10000) };
        })
      : [{ match: routeMatch(undefined), splits: splitsOf(chain, chain.StartNode, 10000) }];
  return entries.map((e) => ({ match: e.match, splits: mergeSplits(e.splits) }));
}

/** Rounds weights to whole hundredths, merges repeats of one target, drops zero weights. */
function mergeSplits(splits: { target: string; weight: number }[]): { target: string; weight: number }[] {
  const out = new Map<string, number>();
  for (const s of splits) out.set(s.target, (out.get(s.target) ?? 0) + s.weight);
  return [...out].map(([target, weight]) => ({ target, weight: Math.round(weight) })).filter((s) => s.weight > 0);
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
  const compiled = compileDiscoveryChain({ service: req.service, datacenter: req.datacenter, entries: chainEntrySet(store), trustDomain: req.trustDomain });
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
  const routes: ChainRouteSnapshot[] = chainRoutes(chain).map((r) => ({
    match: r.match,
    splits: r.splits.map((s) => ({ clusterName: targets.get(s.target)?.clusterName ?? s.target, weight: s.weight })),
  }));
  const used = new Set(routes.flatMap((r) => r.splits.map((s) => s.clusterName)));
  const list = [...new Map([...targets.values()].filter((t) => used.has(t.clusterName)).map((t) => [t.clusterName, t])).values()];
  return { ok: true, chain: { routes, targets: list.sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0)) } };
}
