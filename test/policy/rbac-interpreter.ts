/**
 * A small, strict interpreter of the Envoy RBAC config Switchboard emits:
 * principals (any, authenticated.principal_name, and_ids, or_ids, not_id),
 * permissions (any, and_rules, or_rules, not_rule, url_path, header) and the
 * ALLOW/DENY action. Anything else throws, so the interpreter cannot quietly
 * give an unknown matcher a meaning. Regexes run in RE2 with full-match
 * semantics, as Envoy's safe_regex does.
 */
import { re2FullMatch } from '../../policy/index.ts';

type Msg = Record<string, unknown>;

/** What RBAC sees of a request: the caller's URI SAN and, for HTTP, path and headers. */
export interface RbacInput {
  principal: string;
  /** The `:path` (query included); url_path matchers see it without the query. */
  path?: string;
  /** Lower-case names; `:method` included. */
  headers?: Record<string, string>;
}

function only(m: Msg, allowed: string[], where: string): void {
  for (const k of Object.keys(m)) if (!allowed.includes(k)) throw new Error(`${where}: unsupported field ${k}`);
}

function obj(v: unknown, where: string): Msg {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected an object`);
  return v as Msg;
}

function oneKey(m: Msg, where: string): [string, unknown] {
  const keys = Object.keys(m);
  const k = keys[0];
  if (keys.length !== 1 || k === undefined) throw new Error(`${where}: expected exactly one field, got ${keys.join(',')}`);
  return [k, m[k]];
}

function stringMatch(raw: unknown, value: string): boolean {
  const [kind, arg] = oneKey(obj(raw, 'StringMatcher'), 'StringMatcher');
  switch (kind) {
    case 'exact':
      return value === arg;
    case 'prefix':
      return value.startsWith(String(arg));
    case 'suffix':
      return value.endsWith(String(arg));
    case 'safe_regex': {
      const re = obj(arg, 'safe_regex');
      only(re, ['regex'], 'safe_regex');
      return re2FullMatch(String(re['regex']), value);
    }
    default:
      throw new Error(`StringMatcher: unsupported ${kind}`);
  }
}

function principalMatches(raw: unknown, input: RbacInput): boolean {
  const [kind, arg] = oneKey(obj(raw, 'Principal'), 'Principal');
  switch (kind) {
    case 'any':
      return arg === true;
    case 'authenticated': {
      const a = obj(arg, 'authenticated');
      only(a, ['principal_name'], 'authenticated');
      return stringMatch(a['principal_name'], input.principal);
    }
    case 'and_ids':
      return (obj(arg, 'and_ids')['ids'] as unknown[]).every((p) => principalMatches(p, input));
    case 'or_ids':
      return (obj(arg, 'or_ids')['ids'] as unknown[]).some((p) => principalMatches(p, input));
    case 'not_id':
      return !principalMatches(arg, input);
    default:
      throw new Error(`Principal: unsupported ${kind}`);
  }
}

function permissionMatches(raw: unknown, input: RbacInput): boolean {
  const [kind, arg] = oneKey(obj(raw, 'Permission'), 'Permission');
  switch (kind) {
    case 'any':
      return arg === true;
    case 'and_rules':
      return (obj(arg, 'and_rules')['rules'] as unknown[]).every((p) => permissionMatches(p, input));
    case 'or_rules':
      return (obj(arg, 'or_rules')['rules'] as unknown[]).some((p) => permissionMatches(p, input));
    case 'not_rule':
      return !permissionMatches(arg, input);
    case 'url_path': {
      if (input.path === undefined) throw new Error('url_path on a connection without HTTP');
      const u = obj(arg, 'url_path');
      only(u, ['path'], 'url_path');
      return stringMatch(u['path'], input.path.split(/[?#]/)[0] ?? '');
    }
    case 'header': {
      if (input.headers === undefined) throw new Error('header on a connection without HTTP');
      const h = obj(arg, 'header');
      only(h, ['name', 'string_match', 'present_match', 'invert_match'], 'header');
      const value = input.headers[String(h['name'])];
      let hit: boolean;
      if (h['present_match'] !== undefined) hit = value !== undefined;
      else hit = value !== undefined && stringMatch(h['string_match'], value);
      return h['invert_match'] ? !hit : hit;
    }
    default:
      throw new Error(`Permission: unsupported ${kind}`);
  }
}

/** True when the `envoy.config.rbac.v3.RBAC` rules let the request through. */
export function rbacAllows(rules: Msg, input: RbacInput): boolean {
  only(rules, ['action', 'policies'], 'RBAC');
  const policies = obj(rules['policies'], 'policies');
  const matched = Object.values(policies).some((raw) => {
    const p = obj(raw, 'Policy');
    only(p, ['permissions', 'principals'], 'Policy');
    const perms = p['permissions'] as unknown[];
    const principals = p['principals'] as unknown[];
    if (!perms.length || !principals.length) throw new Error('Policy: permissions and principals must not be empty');
    return perms.some((x) => permissionMatches(x, input)) && principals.some((x) => principalMatches(x, input));
  });
  if (rules['action'] === 'ALLOW') return matched;
  if (rules['action'] === 'DENY') return !matched;
  throw new Error(`RBAC: unsupported action ${String(rules['action'])}`);
}
