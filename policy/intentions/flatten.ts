/**
 * Flattening: the precedence-ordered intentions that govern one destination,
 * turned into an order-free rule set that Envoy's (or gRPC's) RBAC can apply.
 *
 * RBAC has no "first match wins": an ALLOW filter admits a request when any
 * policy matches, a DENY filter refuses it when any policy matches. So the
 * rules list only the decisions that differ from the default (allows when
 * the default is deny, denies when it is allow), and each source is narrowed
 * by removing the sources of every higher-precedence intention that could
 * decide differently ("AND NOT"). A source that a higher-precedence source
 * already covers whole is dropped: it never governs anything.
 *
 * Worked example (default deny, destination api, HTTP):
 *   1. web → api      deny                                  (precedence 9)
 *   2. admin → api    Permissions [deny /admin/x, allow /admin] (9)
 *   3. *  → api       allow                                 (precedence 8)
 * compiles to (listing allows):
 *   L4: principals `* AND NOT web AND NOT admin`
 *       (web is excluded because it denies; admin because it decides per request)
 *   L7: principals `admin`, permissions `PathPrefix /admin AND NOT PathExact /admin/x`
 * so web is refused, admin reaches /admin/... except /admin/x and nothing
 * else (no permission matched → default deny), every other service is let in.
 *
 * On a TCP destination an intention with Permissions decides "deny" for every
 * connection, as Consul's /check reports it.
 */
import { sideMatches } from './match.ts';
import { sortByPrecedence } from './precedence.ts';
import { DEFAULT_NAMESPACE, WILDCARD, type Intention, type IntentionHTTPPermission, type ServiceRef } from './types.ts';

/** A source pattern: `namespace/name`, where name (and then namespace) may be the wildcard. */
export interface SourcePattern {
  namespace: string;
  name: string;
}

/** The services matching `include` but none of `exclude`. */
export interface PrincipalSet {
  include: SourcePattern;
  exclude: SourcePattern[];
}

/** Requests matching `match` but none of `exclude` (the earlier permissions that decide the other way). */
export interface FlatPermission {
  match: IntentionHTTPPermission;
  exclude: IntentionHTTPPermission[];
}

/** A source whose requests get the non-default decision only when one of `permissions` matches. */
export interface L7Rule {
  principals: PrincipalSet;
  permissions: FlatPermission[];
}

/**
 * The non-default decisions for one destination, order-free. With
 * `defaultAllow` false these are the allows (everything else is refused);
 * with `defaultAllow` true they are the denies. Pure data: no Envoy types.
 */
export interface CompiledIntentionRules {
  /** Trust domain of the SPIFFE identities the principals stand for. */
  trustDomain: string;
  /** Sources all of whose traffic gets the non-default decision. */
  l4: PrincipalSet[];
  /** Sources whose matching requests get it. Empty unless the destination speaks HTTP. */
  l7: L7Rule[];
}

/** What `compileIntentions` needs to know about the destination. */
export interface CompileOptions {
  destination: ServiceRef;
  defaultAllow: boolean;
  /** The destination's protocol: L7 rules are kept only for http, http2 and grpc. */
  protocol: string;
  trustDomain: string;
}

/** The default policy and the compiled rules for one destination; `InboundAuthorization` in the snapshot. */
export interface CompiledAuthorization {
  defaultAllow: boolean;
  rules: CompiledIntentionRules;
}

type Decision = 'allow-all' | 'deny-all' | 'per-request';

function decisionOf(ixn: Intention, http: boolean): Decision {
  if (ixn.Permissions && ixn.Permissions.length > 0) return http ? 'per-request' : 'deny-all';
  return ixn.Action === 'allow' ? 'allow-all' : 'deny-all';
}

/** True when every service matched by `inner` is matched by `outer`. */
export function patternCovers(outer: SourcePattern, inner: SourcePattern): boolean {
  if (outer.namespace === WILDCARD) return true;
  if (outer.namespace !== inner.namespace) return false;
  return outer.name === WILDCARD || outer.name === inner.name;
}

/** True when a concrete service matches the pattern. */
export function patternMatches(p: SourcePattern, service: ServiceRef): boolean {
  return sideMatches(p.namespace, p.name, service);
}

/** The patterns not covered by another in the list (excluding those is enough); input has no duplicates. */
function outermost(patterns: SourcePattern[]): SourcePattern[] {
  const wild = patterns.filter((p) => p.name === WILDCARD);
  return patterns.filter((p) => !wild.some((w) => w !== p && patternCovers(w, p)));
}

function flattenPermissions(ixn: Intention, want: 'allow' | 'deny'): FlatPermission[] {
  const out: FlatPermission[] = [];
  const other: IntentionHTTPPermission[] = [];
  for (const p of ixn.Permissions ?? []) {
    // A later permission only sees requests no earlier permission matched, so
    // it is narrowed by the earlier ones that decide the other way; earlier
    // ones that decide the same way need no exclusion (the union is the same).
    if (p.Action === want) out.push({ match: p.HTTP, exclude: [...other] });
    else other.push(p.HTTP);
  }
  return out;
}

/**
 * Compiles the intentions that govern `destination` (others are ignored;
 * order does not matter) into order-free rules for its inbound RBAC.
 */
export function compileIntentions(intentions: readonly Intention[], opts: CompileOptions): CompiledAuthorization {
  const http = ['http', 'http2', 'grpc'].includes(opts.protocol);
  const dest: ServiceRef = { name: opts.destination.name, namespace: opts.destination.namespace || DEFAULT_NAMESPACE };
  const governing = sortByPrecedence(intentions.filter((ixn) => sideMatches(ixn.DestinationNS, ixn.DestinationName, dest)));
  // Listed: the decision that differs from the default. Excluded from wider sources:
  // every earlier source whose decision is not already the listed one for all traffic.
  const listed: Decision = opts.defaultAllow ? 'deny-all' : 'allow-all';
  const rules: CompiledIntentionRules = { trustDomain: opts.trustDomain, l4: [], l7: [] };
  // Earlier (higher-precedence) sources that govern something, keyed `ns/name`.
  // Patterns nest (`*/*` ⊇ `ns/*` ⊇ `ns/name`), so "is this covered?" is three
  // look-ups, and only a wildcard pattern can have narrower sources to exclude.
  const earlier = new Map<string, { pattern: SourcePattern; decision: Decision }>();
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  for (const ixn of governing) {
    const pattern: SourcePattern = { namespace: ixn.SourceNS || DEFAULT_NAMESPACE, name: ixn.SourceName };
    const decision = decisionOf(ixn, http);
    const covered =
      earlier.has(key(WILDCARD, WILDCARD)) ||
      earlier.has(key(pattern.namespace, WILDCARD)) ||
      earlier.has(key(pattern.namespace, pattern.name));
    if (covered) continue;
    const narrower = pattern.name === WILDCARD ? [...earlier.values()].filter((e) => patternCovers(pattern, e.pattern)) : [];
    const principals: PrincipalSet = {
      include: pattern,
      exclude: outermost(narrower.filter((e) => e.decision !== listed).map((e) => e.pattern)),
    };
    if (decision === listed) rules.l4.push(principals);
    else if (decision === 'per-request') {
      const permissions = flattenPermissions(ixn, opts.defaultAllow ? 'deny' : 'allow');
      if (permissions.length > 0) rules.l7.push({ principals, permissions });
    }
    earlier.set(key(pattern.namespace, pattern.name), { pattern, decision });
  }
  return { defaultAllow: opts.defaultAllow, rules };
}
