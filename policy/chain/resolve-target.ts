/**
 * Target resolution: applies a service's resolver (redirects, then its default subset) until the
 * target stops changing, the way Consul does, and checks that the subset asked for exists.
 *
 * Worked example: resolver "web" has `Redirect {Service: "web-v2"}`, resolver "web-v2" has
 * `DefaultSubset: "stable"`. Resolving `web.default.default.dc1` gives
 * `web-v2.default.default.dc1` (redirect), then `stable.web-v2.default.default.dc1` (default
 * subset), which no rule changes further: that is the target. A redirect back to "web" from
 * "web-v2" would revisit a target already seen, which is reported as a loop.
 */
import { entryLabel, type ConfigEntrySet, type ServiceResolverEntry } from '../config-entries/index.ts';
import { targetId, type TargetAddress } from './names.ts';

/** A compilation failure; its message names the entry and field to fix. */
export class ChainError extends Error {}

/** What to change about a target; empty fields keep the target's value. */
export interface TargetRewrite {
  Service?: string;
  ServiceSubset?: string;
  Namespace?: string;
  Datacenter?: string;
}

/** Applies a rewrite; moving to another service drops the subset unless one is named. */
export function rewriteTarget(t: TargetAddress, r: TargetRewrite): TargetAddress {
  const service = r.Service || t.service;
  const subset = r.ServiceSubset || (service === t.service ? t.subset : '');
  return {
    service,
    subset,
    namespace: r.Namespace || t.namespace,
    partition: t.partition,
    datacenter: r.Datacenter || t.datacenter,
  };
}

export interface ResolvedTarget {
  target: TargetAddress;
  id: string;
  /** The resolver entry of the final target's service, if one exists. */
  resolver: ServiceResolverEntry | undefined;
  /** Services a redirect moved through (excluding the final one), to check their protocol. */
  redirectedFrom: string[];
}

/**
 * Follows redirects and default subsets to a fixed point. `referrer` says who asked for the
 * target (e.g. `service-splitter "web": Splits[1]`) so a missing subset names the reference.
 */
export function resolveTarget(set: ConfigEntrySet, start: TargetAddress, referrer: string): ResolvedTarget {
  const seen: string[] = [];
  const redirectedFrom: string[] = [];
  let t = start;
  let via = referrer;
  const serviceOfTarget = new Map<string, string>();
  for (;;) {
    const id = targetId(t);
    if (seen.includes(id)) {
      // The same loop is found from whichever service a chain starts at: report it one way.
      const cycle = rotateToSmallest(seen.slice(seen.indexOf(id)));
      const closing = cycle.at(-1) as string;
      // The last target in the cycle belongs to the service whose redirect closes it.
      const closingService = serviceOfTarget.get(closing) ?? t.service;
      throw new ChainError(`${entryLabel('service-resolver', closingService)}: Redirect creates a loop (${[...cycle, cycle[0]].join(' -> ')}); remove one of these redirects`);
    }
    seen.push(id);
    serviceOfTarget.set(id, t.service);
    const resolver = set.get('service-resolver', t.service, t.namespace);
    if (resolver?.Redirect) {
      const next = rewriteTarget(t, resolver.Redirect);
      if (targetId(next) !== id) {
        if (next.service !== t.service) redirectedFrom.push(t.service);
        via = `${entryLabel('service-resolver', t.service)}: Redirect`;
        t = next;
        continue;
      }
    }
    if (t.subset === '' && resolver?.DefaultSubset) {
      via = `${entryLabel('service-resolver', t.service)}: DefaultSubset`;
      t = { ...t, subset: resolver.DefaultSubset };
      continue;
    }
    if (t.subset !== '' && !(resolver?.Subsets && t.subset in resolver.Subsets)) {
      const defined = resolver?.Subsets ? Object.keys(resolver.Subsets) : [];
      const fix = resolver
        ? `${entryLabel('service-resolver', t.service)} does not define it (defined: ${defined.join(', ') || 'none'}); add it to Subsets there or use one of those`
        : `service ${JSON.stringify(t.service)} has no service-resolver; write one that defines it in Subsets`;
      throw new ChainError(`${via} refers to subset ${JSON.stringify(t.subset)} of service ${JSON.stringify(t.service)}, but ${fix}`);
    }
    return { target: t, id, resolver, redirectedFrom };
  }
}

/** Rotates a cycle so it starts at its smallest element. */
export function rotateToSmallest(cycle: string[]): string[] {
  let min = 0;
  cycle.forEach((x, i) => {
    if (x < (cycle[min] as string)) min = i;
  });
  return [...cycle.slice(min), ...cycle.slice(0, min)];
}
