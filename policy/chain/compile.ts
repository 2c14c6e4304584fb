/**
 * The discovery-chain compiler: turns the config entries that concern one service into a graph
 * of router, splitter and resolver nodes and the targets they resolve to, as Consul does.
 *
 * Worked example ("web" with protocol http): router "web" sends `/admin` to "admin"; splitter
 * "admin" sends 90 to subset v1 and 10 to v2; resolver "admin" defines v1 and v2 by filter.
 *   router:web.default.default
 *     /admin -> splitter:admin.default.default
 *                 90 -> resolver:v1.admin.default.default.dc1  (target v1.admin.default.default.dc1)
 *                 10 -> resolver:v2.admin.default.default.dc1
 *     /      -> resolver:web.default.default.dc1               (the router's catch-all route)
 *
 * Pure and deterministic: the same request gives a deep-equal result with keys in sorted order.
 */
import { createHash } from 'node:crypto';
import { formatDuration, parseDuration } from '../../catalog/health/duration.ts';
import {
  ConfigEntrySet,
  DEFAULT_NAMESPACE,
  DEFAULT_PARTITION,
  L7_PROTOCOLS,
  SERVICE_PROTOCOLS,
  entryLabel,
  type LoadBalancer,
  type MeshGatewayMode,
  type ResolverFailover,
  type ServiceProtocol,
  type ServiceResolverEntry,
  type ServiceRoute,
  type ServiceSplit,
} from '../config-entries/index.ts';
import { resolverKey, routerKey, serviceNodeName, splitterKey, targetId, targetSni, type TargetAddress } from './names.ts';
import { ChainError, resolveTarget, rewriteTarget, rotateToSmallest, type TargetRewrite } from './resolve-target.ts';
import type {
  CompileRequest,
  CompileResult,
  CompiledDiscoveryChain,
  DiscoveryGraphNode,
  DiscoveryRoute,
  DiscoverySplit,
  DiscoveryTarget,
  ResolverNode,
} from './types.ts';

const DEFAULT_CONNECT_TIMEOUT = '5s';

/** Compiles the discovery chain for one service; errors name the entry and field that break it. */
export function compileDiscoveryChain(req: CompileRequest): CompileResult {
  try {
    return { ok: true, value: new ChainCompiler(req).compile() };
  } catch (err) {
    if (err instanceof ChainError) return { ok: false, errors: [err.message] };
    throw err;
  }
}

interface ParsedOverrides {
  connectTimeout?: string;
  protocol?: ServiceProtocol;
  meshGatewayMode?: MeshGatewayMode;
}

function parseOverrides(req: CompileRequest): ParsedOverrides {
  const o = req.overrides ?? {};
  const out: ParsedOverrides = {};
  if (o.OverrideConnectTimeout !== undefined && o.OverrideConnectTimeout !== '' && o.OverrideConnectTimeout !== 0) {
    let ms: number;
    try {
      ms = parseDuration(o.OverrideConnectTimeout);
    } catch {
      throw new ChainError(`overrides: OverrideConnectTimeout ${JSON.stringify(o.OverrideConnectTimeout)} is not a duration; use a Go duration such as "5s"`);
    }
    if (ms < 0) throw new ChainError(`overrides: OverrideConnectTimeout ${JSON.stringify(o.OverrideConnectTimeout)} must not be negative`);
    out.connectTimeout = formatDuration(ms);
  }
  if (o.OverrideProtocol) {
    const p = o.OverrideProtocol.toLowerCase();
    if (!(SERVICE_PROTOCOLS as readonly string[]).includes(p)) {
      throw new ChainError(`overrides: OverrideProtocol ${JSON.stringify(o.OverrideProtocol)} is not one of ${SERVICE_PROTOCOLS.join(', ')}`);
    }
    out.protocol = p as ServiceProtocol;
  }
  const mode = o.OverrideMeshGateway?.Mode;
  if (mode) {
    if (!['none', 'local', 'remote'].includes(mode)) throw new ChainError(`overrides: OverrideMeshGateway.Mode ${JSON.stringify(mode)} is not one of none, local, remote`);
    out.meshGatewayMode = mode;
  }
  return out;
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key) as T;
  return out;
}

// Weights multiply when nested splitters are flattened; keep them free of float noise.
function cleanWeight(w: number): number {
  return Number(w.toFixed(6));
}

function isHashBased(lb: LoadBalancer | undefined): boolean {
  return lb?.Policy === 'ring_hash' || lb?.Policy === 'maglev';
}

class ChainCompiler {
  private readonly set: ConfigEntrySet;
  private readonly namespace: string;
  private readonly overrides: ParsedOverrides;
  private readonly protocol: ServiceProtocol;
  private readonly l7: boolean;
  private readonly nodes = new Map<string, DiscoveryGraphNode>();
  private readonly targets = new Map<string, DiscoveryTarget>();
  // Flattened splits per splitter service, so a splitter reached twice is expanded once.
  private readonly flattened = new Map<string, DiscoverySplit[]>();
  private usedEntries = false;
  private customized = false;

  constructor(private readonly req: CompileRequest) {
    this.set = req.entries instanceof ConfigEntrySet ? req.entries : new ConfigEntrySet(req.entries);
    this.namespace = req.namespace || DEFAULT_NAMESPACE;
    this.overrides = parseOverrides(req);
    const own = this.set.protocolOf(req.service, this.namespace);
    this.protocol = this.overrides.protocol ?? own;
    if (this.overrides.protocol !== undefined && this.overrides.protocol !== own) this.customized = true;
    // Routers and splitters need L7 both as configured and as overridden (Consul's rule).
    this.l7 = L7_PROTOCOLS.includes(own) && L7_PROTOCOLS.includes(this.protocol);
  }

  compile(): CompiledDiscoveryChain {
    const { service, datacenter } = this.req;
    if (!service) throw new ChainError('compile: service name is required');
    if (!datacenter) throw new ChainError('compile: datacenter is required');
    const start = this.address(service, '', this.namespace, datacenter);
    let startNode: string;
    const router = this.l7 ? this.set.get('service-router', service, this.namespace) : undefined;
    if (router) {
      startNode = this.routerNode(service, router.Routes ?? []);
    } else {
      startNode = this.splitterOrResolver(start, `discovery chain ${JSON.stringify(service)}`);
    }
    if (this.overrides.connectTimeout !== undefined) this.customized = true;
    const meta = this.set.get('service-defaults', service, this.namespace)?.Meta;
    const chain: CompiledDiscoveryChain = {
      ServiceName: service,
      Namespace: this.namespace,
      Partition: DEFAULT_PARTITION,
      Datacenter: datacenter,
      Default: !this.usedEntries,
      Protocol: this.protocol,
      StartNode: startNode,
      Nodes: sortedRecord(this.nodes),
      Targets: sortedRecord(this.targets),
    };
    if (meta) chain.ServiceMeta = meta;
    if (this.customized) chain.CustomizationHash = this.customizationHash();
    return chain;
  }

  private address(service: string, subset: string, namespace: string, datacenter: string): TargetAddress {
    return { service, subset, namespace, partition: DEFAULT_PARTITION, datacenter };
  }

  // Every service an L7 chain sends traffic to must speak the chain's protocol, or Envoy would
  // route HTTP to a TCP cluster. An explicit protocol override takes responsibility for that.
  private checkProtocol(service: string, namespace: string, referrer: string): void {
    if (this.overrides.protocol !== undefined || !this.l7) return;
    const theirs = this.set.protocolOf(service, namespace);
    if (theirs !== this.protocol) {
      throw new ChainError(
        `${referrer} sends traffic to service ${JSON.stringify(service)}, which uses protocol ${JSON.stringify(theirs)}, ` +
          `but the chain for ${JSON.stringify(this.req.service)} uses ${JSON.stringify(this.protocol)}; ` +
          `set Protocol ${JSON.stringify(this.protocol)} in ${entryLabel('service-defaults', service)}`,
      );
    }
  }

  private routerNode(service: string, routes: readonly ServiceRoute[]): string {
    this.usedEntries = true;
    const name = serviceNodeName(service, this.namespace, DEFAULT_PARTITION);
    const compiled: DiscoveryRoute[] = [];
    routes.forEach((route, i) => {
      const dest = route.Destination ?? {};
      const destService = dest.Service || service;
      const destNamespace = dest.Namespace || this.namespace;
      const referrer = `${entryLabel('service-router', service)}: Routes[${i}].Destination`;
      this.checkProtocol(destService, destNamespace, referrer);
      const target = this.address(destService, dest.ServiceSubset ?? '', destNamespace, this.req.datacenter);
      const next = dest.ServiceSubset ? this.resolverNode(target, referrer) : this.splitterOrResolver(target, referrer);
      compiled.push({
        Definition: { ...route, Destination: { ...dest, Service: destService, Namespace: destNamespace, Partition: DEFAULT_PARTITION } },
        NextNode: next,
      });
    });
    // Requests no route matches go to the service itself, as if there were no router.
    const fallback = this.address(service, '', this.namespace, this.req.datacenter);
    compiled.push({
      Definition: { Match: { HTTP: { PathPrefix: '/' } }, Destination: { Service: service, Namespace: this.namespace, Partition: DEFAULT_PARTITION } },
      NextNode: this.splitterOrResolver(fallback, `${entryLabel('service-router', service)}: default route`),
    });
    const key = routerKey(name);
    this.nodes.set(key, { Type: 'router', Name: name, Routes: compiled });
    return key;
  }

  /** A target with no subset goes through the service's splitter when there is one (in an L7 chain). */
  private splitterOrResolver(target: TargetAddress, referrer: string): string {
    if (this.l7 && target.subset === '' && this.set.get('service-splitter', target.service, target.namespace)) {
      return this.splitterNode(target.service, target.namespace);
    }
    return this.resolverNode(target, referrer);
  }

  private splitterNode(service: string, namespace: string): string {
    const name = serviceNodeName(service, namespace, DEFAULT_PARTITION);
    const key = splitterKey(name);
    if (this.nodes.has(key)) return key;
    const splits = this.flattenSplits(service, namespace, []);
    const node: DiscoveryGraphNode = { Type: 'splitter', Name: name, Splits: splits };
    for (const split of splits) {
      const next = this.nodes.get(split.NextNode);
      if (next?.Type === 'resolver' && isHashBased(next.LoadBalancer)) {
        node.LoadBalancer = next.LoadBalancer;
        break;
      }
    }
    this.nodes.set(key, node);
    return key;
  }

  /**
   * The splits of a splitter with nested splitters multiplied out: a 50% split to a service whose
   * own splitter sends 50/50 to a and b becomes 25% a and 25% b. A split to the splitter's own
   * service, or to a named subset, goes straight to a resolver.
   */
  private flattenSplits(service: string, namespace: string, stack: string[]): DiscoverySplit[] {
    const memoKey = `${namespace}/${service}`;
    const memo = this.flattened.get(memoKey);
    if (memo) return memo;
    if (stack.includes(memoKey)) {
      // Reported the same way whichever splitter the chain entered the loop at.
      const cycle = rotateToSmallest(stack.slice(stack.indexOf(memoKey)).map((k) => k.split('/')[1] as string));
      const loop = [...cycle, cycle[0]].join(' -> ');
      throw new ChainError(`${entryLabel('service-splitter', cycle[0] as string)}: Splits lead back to this splitter (${loop}); splitters may not form a loop`);
    }
    this.usedEntries = true;
    const splitter = this.set.get('service-splitter', service, namespace);
    if (!splitter) return [];
    const out: DiscoverySplit[] = [];
    splitter.Splits.forEach((split: ServiceSplit, i) => {
      const splitService = split.Service || service;
      const splitNamespace = split.Namespace || namespace;
      const referrer = `${entryLabel('service-splitter', service)}: Splits[${i}]`;
      this.checkProtocol(splitService, splitNamespace, referrer);
      const elsewhere = splitService !== service || splitNamespace !== namespace;
      if (elsewhere && !split.ServiceSubset && this.set.get('service-splitter', splitService, splitNamespace)) {
        for (const inner of this.flattenSplits(splitService, splitNamespace, [...stack, memoKey])) {
          out.push({ Definition: inner.Definition, Weight: cleanWeight((split.Weight * inner.Weight) / 100), NextNode: inner.NextNode });
        }
        return;
      }
      const target = this.address(splitService, split.ServiceSubset ?? '', splitNamespace, this.req.datacenter);
      out.push({ Definition: split, Weight: split.Weight, NextNode: this.resolverNode(target, referrer) });
    });
    this.flattened.set(memoKey, out);
    return out;
  }

  private connectTimeoutOf(resolver: ServiceResolverEntry | undefined): string {
    return this.overrides.connectTimeout ?? resolver?.ConnectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  }

  private resolverNode(requested: TargetAddress, referrer: string): string {
    const resolved = resolveTarget(this.set, requested, referrer);
    for (const svc of resolved.redirectedFrom) {
      if (svc !== resolved.target.service) this.checkProtocol(resolved.target.service, resolved.target.namespace, `${entryLabel('service-resolver', svc)}: Redirect`);
    }
    if (resolved.resolver || resolved.redirectedFrom.length > 0) this.usedEntries = true;
    const key = resolverKey(resolved.id);
    if (this.nodes.has(key)) return key;
    const resolver = resolved.resolver;
    this.addTarget(resolved.target, resolver);
    const node: ResolverNode = {
      Type: 'resolver',
      Name: resolved.id,
      Resolver: { ConnectTimeout: this.connectTimeoutOf(resolver), Target: resolved.id },
    };
    if (!resolver) node.Resolver = { Default: true, ...node.Resolver };
    if (resolver?.RequestTimeout) node.Resolver.RequestTimeout = resolver.RequestTimeout;
    const failover = resolver?.Failover?.[resolved.target.subset] ?? resolver?.Failover?.['*'];
    if (failover) {
      const key = resolver?.Failover?.[resolved.target.subset] ? resolved.target.subset : '*';
      const ids = this.failoverTargets(resolved.target, resolved.id, failover, `${entryLabel('service-resolver', resolved.target.service)}: Failover[${JSON.stringify(key)}]`);
      if (ids.length > 0) node.Resolver.Failover = { Targets: ids };
    }
    if (resolver?.LoadBalancer) node.LoadBalancer = resolver.LoadBalancer;
    this.nodes.set(key, node);
    return key;
  }

  /** Failover targets in order of preference, each resolved through its own resolver; the primary and repeats are dropped. */
  private failoverTargets(primary: TargetAddress, primaryId: string, failover: ResolverFailover, referrer: string): string[] {
    const rewrites: { rewrite: TargetRewrite; where: string }[] = [];
    if (failover.Targets) {
      failover.Targets.forEach((t, i) => rewrites.push({ rewrite: t, where: `${referrer}.Targets[${i}]` }));
    } else if (failover.Datacenters) {
      failover.Datacenters.forEach((dc, i) =>
        rewrites.push({
          rewrite: { Service: failover.Service, ServiceSubset: failover.ServiceSubset, Namespace: failover.Namespace, Datacenter: dc },
          where: `${referrer}.Datacenters[${i}]`,
        }),
      );
    } else {
      rewrites.push({ rewrite: failover, where: referrer });
    }
    const ids: string[] = [];
    for (const { rewrite, where } of rewrites) {
      const resolved = resolveTarget(this.set, rewriteTarget(primary, rewrite), where);
      if (resolved.id === primaryId || ids.includes(resolved.id)) continue;
      ids.push(resolved.id);
      this.addTarget(resolved.target, resolved.resolver);
    }
    return ids;
  }

  private addTarget(t: TargetAddress, resolver: ServiceResolverEntry | undefined): void {
    const id = targetId(t);
    if (this.targets.has(id)) return;
    const defaults = this.set.get('service-defaults', t.service, t.namespace);
    let mode: MeshGatewayMode = defaults?.MeshGateway?.Mode || this.set.proxyDefaults()?.MeshGateway?.Mode || '';
    if (this.overrides.meshGatewayMode !== undefined && this.overrides.meshGatewayMode !== mode) {
      mode = this.overrides.meshGatewayMode;
      this.customized = true;
    }
    const subset = t.subset ? resolver?.Subsets?.[t.subset] : undefined;
    const sni = this.req.trustDomain ? targetSni(t, this.req.trustDomain) : undefined;
    const target: DiscoveryTarget = {
      ID: id,
      Service: t.service,
      ...(t.subset ? { ServiceSubset: t.subset } : {}),
      Namespace: t.namespace,
      Partition: t.partition,
      Datacenter: t.datacenter,
      MeshGateway: mode ? { Mode: mode } : {},
      Subset: subset ? { ...subset } : {},
      ConnectTimeout: this.connectTimeoutOf(resolver),
      Name: sni ?? id,
    };
    if (defaults?.ExternalSNI) {
      target.SNI = defaults.ExternalSNI;
      target.External = true;
    } else if (sni) {
      target.SNI = sni;
    }
    this.targets.set(id, target);
  }

  private customizationHash(): string {
    const o = this.overrides;
    const text = JSON.stringify([o.protocol ?? '', o.connectTimeout ?? '', o.meshGatewayMode ?? '']);
    return createHash('sha256').update(text).digest('hex').slice(0, 8);
  }
}
