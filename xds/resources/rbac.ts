/**
 * Inbound authorization as Envoy RBAC, rendered from the flattened intention
 * rules that policy's `compileIntentions` produces (see the worked example in
 * policy/intentions/flatten.ts). The rules list only non-default decisions, so:
 * default deny → an ALLOW filter whose policies are the allows;
 * default allow → a DENY filter whose policies are the denies.
 *
 * Principals match the caller's SPIFFE URI SAN, in any datacenter of the
 * trust domain. Only matchers that both Envoy and gRPC's xDS RBAC understand
 * are used: `authenticated.principal_name`, `and_ids`, `not_id`, `any`,
 * `url_path`, `header` (string_match / present_match), `and_rules`, `not_rule`.
 */
import type { CompiledIntentionRules, FlatPermission, IntentionHTTPPermission, PrincipalSet, SourcePattern } from '../../policy/index.ts';
import type { InboundAuthorization } from '../snapshot/types.ts';
import { HTTP_RBAC_TYPE, NETWORK_RBAC_TYPE, typed, type EnvoyMessage } from './common.ts';

const L4_POLICY = 'consul-intentions-layer4';
const L7_POLICY_PREFIX = 'consul-intentions-layer7-';

/** Escapes RE2 metacharacters so `s` matches itself literally. */
function quoteRe2(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * A user regex as emitted: gRPC anchors a safe_regex as `^<regex>$`, which
 * would bind to only the outer branches of `a|b`, so alternations are grouped.
 */
function userRegex(r: string): string {
  return r.includes('|') ? `(?:${r})` : r;
}

/** The SPIFFE-ID regex for a source pattern: any datacenter; `*` is one path segment. */
export function spiffePrincipalRegex(trustDomain: string, p: SourcePattern): string {
  const ns = p.namespace === '*' ? '[^/]+' : quoteRe2(p.namespace);
  const svc = p.name === '*' ? '[^/]+' : quoteRe2(p.name);
  return `^spiffe://${quoteRe2(trustDomain)}/ns/${ns}/dc/[^/]+/svc/${svc}$`;
}

function patternPrincipal(trustDomain: string, p: SourcePattern): EnvoyMessage {
  return { authenticated: { principal_name: { safe_regex: { regex: spiffePrincipalRegex(trustDomain, p) } } } };
}

function principal(trustDomain: string, set: PrincipalSet): EnvoyMessage {
  const include = patternPrincipal(trustDomain, set.include);
  if (set.exclude.length === 0) return include;
  return { and_ids: { ids: [include, ...set.exclude.map((e) => ({ not_id: patternPrincipal(trustDomain, e) }))] } };
}

function headerRule(name: string, match: EnvoyMessage): EnvoyMessage {
  return { header: { name: name.toLowerCase(), ...match } };
}

/** The RBAC permission matching an HTTP permission's conditions (all must hold). */
function httpConditions(http: IntentionHTTPPermission): EnvoyMessage[] {
  const rules: EnvoyMessage[] = [];
  if (http.PathExact) rules.push({ url_path: { path: { exact: http.PathExact } } });
  if (http.PathPrefix) rules.push({ url_path: { path: { prefix: http.PathPrefix } } });
  if (http.PathRegex) rules.push({ url_path: { path: { safe_regex: { regex: userRegex(http.PathRegex) } } } });
  if (http.Methods && http.Methods.length > 0) {
    const methods = http.Methods;
    const match = methods.length === 1 ? { exact: methods[0] } : { safe_regex: { regex: `(?:${methods.map(quoteRe2).join('|')})` } };
    rules.push(headerRule(':method', { string_match: match }));
  }
  for (const h of http.Header ?? []) {
    let rule: EnvoyMessage;
    if (h.Present) rule = headerRule(h.Name, { present_match: true });
    else if (h.Exact) rule = headerRule(h.Name, { string_match: { exact: h.Exact } });
    else if (h.Prefix) rule = headerRule(h.Name, { string_match: { prefix: h.Prefix } });
    else if (h.Suffix) rule = headerRule(h.Name, { string_match: { suffix: h.Suffix } });
    else rule = headerRule(h.Name, { string_match: { safe_regex: { regex: userRegex(h.Regex ?? '') } } });
    // not_rule rather than invert_match: one meaning (absent header matches) in Envoy and gRPC alike.
    rules.push(h.Invert ? { not_rule: rule } : rule);
  }
  return rules;
}

function allOf(rules: EnvoyMessage[]): EnvoyMessage {
  return rules.length === 1 && rules[0] ? rules[0] : { and_rules: { rules } };
}

function flatPermission(p: FlatPermission): EnvoyMessage {
  return allOf([...httpConditions(p.match), ...p.exclude.map((e) => ({ not_rule: allOf(httpConditions(e)) }))]);
}

/**
 * The `envoy.config.rbac.v3.RBAC` rules. `layer7` is false for a network
 * filter: there an L7 rule cannot look at requests, so its sources are
 * treated as deny (kept out of an allow list, added to a deny list).
 */
export function rbacRules(auth: InboundAuthorization, layer7 = true): EnvoyMessage {
  const rules: CompiledIntentionRules = auth.rules ?? { trustDomain: '', l4: [], l7: [] };
  const td = rules.trustDomain;
  const policies: Record<string, EnvoyMessage> = {};
  const l4 = [...rules.l4];
  if (!layer7 && auth.defaultAllow) l4.push(...rules.l7.map((r) => r.principals));
  if (l4.length > 0) policies[L4_POLICY] = { permissions: [{ any: true }], principals: l4.map((p) => principal(td, p)) };
  if (layer7) {
    rules.l7.forEach((r, i) => {
      policies[`${L7_POLICY_PREFIX}${i}`] = { permissions: r.permissions.map(flatPermission), principals: [principal(td, r.principals)] };
    });
  }
  return { action: auth.defaultAllow ? 'DENY' : 'ALLOW', policies };
}

/** True when the rules let everything through (the filter can be left out). */
export function allowsEverything(auth: InboundAuthorization): boolean {
  return auth.defaultAllow && (auth.rules === undefined || (auth.rules.l4.length === 0 && auth.rules.l7.length === 0));
}

/** The network RBAC filter for a TCP inbound listener. */
export function networkRbacFilter(auth: InboundAuthorization, statPrefix: string): EnvoyMessage {
  return {
    name: 'envoy.filters.network.rbac',
    typed_config: typed(NETWORK_RBAC_TYPE, { rules: rbacRules(auth, false), stat_prefix: statPrefix }),
  };
}

/** The HTTP RBAC filter, placed first in an inbound HTTP filter chain. */
export function httpRbacFilter(auth: InboundAuthorization): EnvoyMessage {
  return { name: 'envoy.filters.http.rbac', typed_config: typed(HTTP_RBAC_TYPE, { rules: rbacRules(auth) }) };
}
