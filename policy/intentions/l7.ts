/**
 * L7 evaluation: what an intention with HTTP Permissions decides for one
 * request. The same semantics are compiled into Envoy RBAC (see flatten.ts and
 * xds/resources/rbac.ts), and a differential test holds the two together.
 *
 * - The governing intention is chosen exactly as for L4 (precedence order).
 * - An L4 intention decides by its Action, whatever the request.
 * - An L7 intention's Permissions are tried in order; the first whose HTTP
 *   conditions all hold decides. When none matches, the default policy
 *   decides — not a lower-precedence intention (Consul documents this).
 * - Paths are matched without the query string (Envoy's `url_path`); methods
 *   and header values are compared case-sensitively, header names are not;
 *   a header sent several times is matched as its values joined by ",".
 * - `Invert` negates the whole header condition, so an absent header
 *   satisfies an inverted Exact/Prefix/Suffix/Regex/Present condition.
 */
import { governingIntention, type IntentionDecision, type ServiceQuery } from './match.ts';
import { re2FullMatch } from './regex.ts';
import type { Intention, IntentionHTTPHeaderPermission, IntentionHTTPPermission } from './types.ts';

/** One HTTP request as L7 intentions see it. */
export interface L7Request {
  /** The request path, possibly with a query string (ignored for matching). */
  path: string;
  method: string;
  /** Header names in any case; a list stands for a repeated header. */
  headers?: Record<string, string | readonly string[] | undefined>;
}

/** The path part of a request target (no query, no fragment). */
export function urlPath(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

function headerValue(req: L7Request, name: string): string | undefined {
  const want = name.toLowerCase();
  if (want === ':method') return req.method;
  if (want === ':path') return req.path;
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.toLowerCase() !== want || v === undefined) continue;
    return typeof v === 'string' ? v : v.join(',');
  }
  return undefined;
}

function headerConditionHolds(h: IntentionHTTPHeaderPermission, req: L7Request): boolean {
  const value = headerValue(req, h.Name);
  let hit: boolean;
  if (value === undefined) hit = false;
  else if (h.Present) hit = true;
  else if (h.Exact !== undefined && h.Exact !== '') hit = value === h.Exact;
  else if (h.Prefix !== undefined && h.Prefix !== '') hit = value.startsWith(h.Prefix);
  else if (h.Suffix !== undefined && h.Suffix !== '') hit = value.endsWith(h.Suffix);
  else if (h.Regex !== undefined && h.Regex !== '') hit = re2FullMatch(h.Regex, value);
  else hit = false;
  return h.Invert ? !hit : hit;
}

/** True when every condition of the permission's HTTP block holds for the request. */
export function httpPermissionMatches(http: IntentionHTTPPermission, req: L7Request): boolean {
  const path = urlPath(req.path);
  if (http.PathExact && path !== http.PathExact) return false;
  if (http.PathPrefix && !path.startsWith(http.PathPrefix)) return false;
  if (http.PathRegex && !re2FullMatch(http.PathRegex, path)) return false;
  if (http.Methods && http.Methods.length > 0 && !http.Methods.includes(req.method)) return false;
  return (http.Header ?? []).every((h) => headerConditionHolds(h, req));
}

/** An L7 decision; `permissionIndex` names the permission that decided, if one did. */
export interface L7Decision extends IntentionDecision {
  permissionIndex?: number;
}

/**
 * The decision for one HTTP request from `source` to an HTTP-family
 * `destination`: the governing intention's Action, or its first matching
 * permission's Action, or `defaultAllow` when neither decides.
 */
export function evaluateL7(
  all: readonly Intention[],
  source: ServiceQuery,
  destination: ServiceQuery,
  request: L7Request,
  defaultAllow: boolean,
): L7Decision {
  const governing = governingIntention(all, source, destination);
  if (!governing) return { Allowed: defaultAllow };
  const perms = governing.Permissions ?? [];
  if (perms.length === 0) return { Allowed: governing.Action === 'allow', governing };
  const i = perms.findIndex((p) => httpPermissionMatches(p.HTTP, request));
  const hit = perms[i];
  if (!hit) return { Allowed: defaultAllow, governing };
  return { Allowed: hit.Action === 'allow', governing, permissionIndex: i };
}
