/**
 * The authorizer: answers "may this token do <access> on <resource> <name>?"
 * from the rules of all its policies.
 *
 * Precedence, for a named resource: an exact-name rule beats every prefix
 * rule; among prefix rules the longest matching prefix wins; where several
 * rules tie (same name, or prefixes of equal length, from different policies)
 * deny beats write beats read. With no matching rule the default policy
 * decides. Example: `service_prefix "" {policy="read"}`,
 * `service_prefix "web" {policy="deny"}`, `service "web-api" {policy="write"}`
 * → "web-api": write; "web-db": deny; "api": read.
 *
 * Intentions follow service rules: a rule's `intentions` level, or when it has
 * none, read for a read/write rule and deny for a deny rule (as Consul does).
 * `mesh` falls back to `operator` when a token's policies do not set it.
 */
import type { Access, GlobalResource, NamedResource, NamedRule, PolicyLevel, PolicyRules } from './types.ts';

/** Answers permission questions for one token. */
export interface Authorizer {
  /** True for a token with global-management: every question is answered yes. */
  readonly management: boolean;
  /** May the token do `access` on the named resource? */
  allows(resource: NamedResource, name: string, access: Access): boolean;
  /** May the token do `access` on a cluster-wide resource? */
  allowsGlobal(resource: GlobalResource, access: Access): boolean;
}

/** What the server does when no rule matches. */
export type DefaultPolicy = 'allow' | 'deny';

const RANK: Record<PolicyLevel, number> = { read: 1, write: 2, deny: 3 };

function strongest(a: PolicyLevel | undefined, b: PolicyLevel): PolicyLevel {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

function permits(level: PolicyLevel | undefined, access: Access): boolean | undefined {
  if (level === undefined) return undefined;
  if (level === 'deny') return false;
  return access === 'read' || level === 'write';
}

/** Exact and prefix rules of one resource, ready for lookup. */
class RuleIndex {
  private readonly exact = new Map<string, PolicyLevel>();
  /** Longest prefix first, each prefix once with its strongest level. */
  private readonly prefixes: { prefix: string; level: PolicyLevel }[] = [];

  constructor(rules: readonly { name: string; prefix: boolean; level: PolicyLevel }[]) {
    const byPrefix = new Map<string, PolicyLevel>();
    for (const r of rules) {
      const m = r.prefix ? byPrefix : this.exact;
      m.set(r.name, strongest(m.get(r.name), r.level));
    }
    this.prefixes = [...byPrefix].map(([prefix, level]) => ({ prefix, level })).sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The level that governs `name`, if any rule matches. */
  lookup(name: string): PolicyLevel | undefined {
    const e = this.exact.get(name);
    if (e !== undefined) return e;
    for (const p of this.prefixes) if (name.startsWith(p.prefix)) return p.level;
    return undefined;
  }
}

function index(rules: readonly NamedRule[], pick: (r: NamedRule) => PolicyLevel | undefined): RuleIndex {
  const out: { name: string; prefix: boolean; level: PolicyLevel }[] = [];
  for (const r of rules) {
    const level = pick(r);
    if (level !== undefined) out.push({ name: r.name, prefix: r.prefix, level });
  }
  return new RuleIndex(out);
}

function intentionsLevel(r: NamedRule): PolicyLevel | undefined {
  if (r.intentions !== undefined) return r.intentions;
  if (r.policy === 'deny') return 'deny';
  return r.policy === undefined ? undefined : 'read';
}

/** Builds the authorizer of a token whose policies have these rules. */
export function buildAuthorizer(policies: readonly PolicyRules[], defaultPolicy: DefaultPolicy): Authorizer {
  const all = <K extends 'service' | 'node' | 'agent'>(k: K): NamedRule[] => policies.flatMap((p) => p[k]);
  const named: Record<NamedResource, RuleIndex> = {
    service: index(all('service'), (r) => r.policy),
    intentions: index(all('service'), intentionsLevel),
    node: index(all('node'), (r) => r.policy),
    agent: index(all('agent'), (r) => r.policy),
  };
  const global = (k: GlobalResource): PolicyLevel | undefined => {
    let level: PolicyLevel | undefined;
    for (const p of policies) {
      const v = p[k];
      if (v !== undefined) level = strongest(level, v);
    }
    return level;
  };
  const operator = global('operator');
  const globals: Record<GlobalResource, PolicyLevel | undefined> = { operator, mesh: global('mesh') ?? operator, acl: global('acl') };
  const fallback = defaultPolicy === 'allow';
  return {
    management: false,
    allows: (resource, name, access) => permits(named[resource].lookup(name), access) ?? fallback,
    // ACL management is never granted by default-allow: only a rule gives it.
    allowsGlobal: (resource, access) => permits(globals[resource], access) ?? (resource === 'acl' ? false : fallback),
  };
}

/** The authorizer of a global-management token. */
export function managementAuthorizer(): Authorizer {
  return { management: true, allows: () => true, allowsGlobal: () => true };
}

/** Rules equivalent to a service identity: write on the service and its sidecar, read on every service and node. */
export function serviceIdentityRules(serviceName: string): PolicyRules {
  return {
    service: [
      { name: serviceName, prefix: false, policy: 'write' },
      { name: `${serviceName}-sidecar-proxy`, prefix: false, policy: 'write' },
      { name: '', prefix: true, policy: 'read' },
    ],
    node: [{ name: '', prefix: true, policy: 'read' }],
    agent: [],
  };
}
