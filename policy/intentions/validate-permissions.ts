/**
 * Validation of L7 permissions (shared by the config entry and the legacy
 * intention validators). Errors are `<field path>: <problem>` strings;
 * the checks are Consul's, plus that regular expressions compile in RE2.
 */
import { re2SyntaxError } from './regex.ts';
import type { IntentionHTTPHeaderPermission, IntentionHTTPPermission, IntentionPermission } from './types.ts';

/** The methods Consul accepts in `HTTP.Methods` (compared after upper-casing). */
export const HTTP_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];

/** A plain JSON object, or undefined. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Reports every key of `obj` not in `known` as an unknown field. */
export function rejectUnknown(obj: Record<string, unknown>, known: readonly string[], path: string, errors: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) errors.push(`${path ? `${path}.` : ''}${k}: unknown field`);
  }
}

/** The optional string field `key`, or undefined after recording an error when it is not a string. */
export function optString(obj: Record<string, unknown>, key: string, path: string, errors: string[]): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    errors.push(`${path}.${key}: must be a string`);
    return undefined;
  }
  return v;
}

const HEADER_FIELDS = ['Name', 'Present', 'Exact', 'Prefix', 'Suffix', 'Regex', 'Invert'] as const;
const HTTP_FIELDS = ['PathExact', 'PathPrefix', 'PathRegex', 'Header', 'Methods'] as const;

function validateHeader(raw: unknown, path: string, errors: string[]): IntentionHTTPHeaderPermission | undefined {
  const h = asObject(raw);
  if (!h) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  rejectUnknown(h, HEADER_FIELDS, path, errors);
  const name = optString(h, 'Name', path, errors);
  if (!name) errors.push(`${path}.Name: is required`);
  const out: IntentionHTTPHeaderPermission = { Name: name ?? '' };
  for (const flag of ['Present', 'Invert'] as const) {
    const v = h[flag];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') errors.push(`${path}.${flag}: must be a boolean`);
    else if (v) out[flag] = true;
  }
  let given = out.Present ? 1 : 0;
  for (const key of ['Exact', 'Prefix', 'Suffix', 'Regex'] as const) {
    const v = optString(h, key, path, errors);
    if (!v) continue;
    given++;
    out[key] = v;
  }
  if (given !== 1) errors.push(`${path}: exactly one of Present, Exact, Prefix, Suffix or Regex must be set (found ${given})`);
  if (out.Regex) {
    const why = re2SyntaxError(out.Regex);
    if (why) errors.push(`${path}.Regex: not a valid RE2 regular expression: ${why}`);
  }
  return out;
}

function validateHttp(raw: unknown, path: string, errors: string[]): IntentionHTTPPermission | undefined {
  const http = asObject(raw);
  if (!http) {
    errors.push(`${path}: is required`);
    return undefined;
  }
  rejectUnknown(http, HTTP_FIELDS, path, errors);
  const out: IntentionHTTPPermission = {};
  let paths = 0;
  for (const key of ['PathExact', 'PathPrefix', 'PathRegex'] as const) {
    const v = optString(http, key, path, errors);
    if (!v) continue;
    paths++;
    out[key] = v;
    if (key !== 'PathRegex' && !v.startsWith('/')) errors.push(`${path}.${key}: must begin with "/" (got ${JSON.stringify(v)})`);
  }
  if (paths > 1) errors.push(`${path}: at most one of PathExact, PathPrefix or PathRegex may be set`);
  if (out.PathRegex) {
    const why = re2SyntaxError(out.PathRegex);
    if (why) errors.push(`${path}.PathRegex: not a valid RE2 regular expression: ${why}`);
  }
  if (http['Header'] !== undefined && http['Header'] !== null) {
    if (!Array.isArray(http['Header'])) errors.push(`${path}.Header: must be a list`);
    else {
      const headers = http['Header'].map((h, k) => validateHeader(h, `${path}.Header[${k}]`, errors));
      if (headers.length > 0) out.Header = headers.filter((h): h is IntentionHTTPHeaderPermission => h !== undefined);
    }
  }
  if (http['Methods'] !== undefined && http['Methods'] !== null) {
    if (!Array.isArray(http['Methods'])) errors.push(`${path}.Methods: must be a list`);
    else {
      const seen = new Set<string>();
      http['Methods'].forEach((m, k) => {
        if (typeof m !== 'string') {
          errors.push(`${path}.Methods[${k}]: must be a string`);
          return;
        }
        // Consul upper-cases methods before it checks them.
        const upper = m.toUpperCase();
        if (!HTTP_METHODS.includes(upper)) errors.push(`${path}.Methods[${k}]: invalid HTTP method ${JSON.stringify(m)}`);
        else if (seen.has(upper)) errors.push(`${path}.Methods[${k}]: ${JSON.stringify(upper)} is listed more than once`);
        seen.add(upper);
      });
      if (seen.size > 0) out.Methods = [...seen];
    }
  }
  if (paths === 0 && !out.Header?.length && !out.Methods?.length) {
    errors.push(`${path}: must set at least one of PathExact, PathPrefix, PathRegex, Header or Methods`);
  }
  return out;
}

/** Validates and normalises a `Permissions` list found at `path`; errors are appended. */
export function validatePermissions(raw: unknown, path: string, errors: string[]): IntentionPermission[] {
  if (!Array.isArray(raw)) {
    errors.push(`${path}: must be a list`);
    return [];
  }
  const out: IntentionPermission[] = [];
  raw.forEach((p, j) => {
    const at = `${path}[${j}]`;
    const perm = asObject(p);
    if (!perm) {
      errors.push(`${at}: must be an object`);
      return;
    }
    rejectUnknown(perm, ['Action', 'HTTP'], at, errors);
    const action = perm['Action'];
    if (action !== 'allow' && action !== 'deny') errors.push(`${at}.Action: must be "allow" or "deny"`);
    const http = validateHttp(perm['HTTP'], `${at}.HTTP`, errors);
    if (http && (action === 'allow' || action === 'deny')) out.push({ Action: action, HTTP: http });
  });
  return out;
}
