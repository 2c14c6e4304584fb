/** service-router: ordered L7 routes (path, header, query, method matches) to destinations. */
import { checkRegex, countSet, readHeaderModifiers } from './common-fields.ts';
import { child, compact, type EntryReader, type JsonObject } from './reader.ts';
import type { HeaderMatch, HttpRouteMatch, QueryParamMatch, RouteDestination, ServiceRoute, ServiceRouterEntry } from './types.ts';

export const SERVICE_ROUTER_FIELDS = ['Routes'] as const;

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

// The retry conditions Envoy understands for HTTP and gRPC routes.
const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

function readHeaderMatch(r: EntryReader, item: unknown, p: string): HeaderMatch | undefined {
  const h = r.struct(item, p, ['Name', 'Present', 'Exact', 'Prefix', 'Suffix', 'Regex', 'Invert']);
  if (!h) return undefined;
  const out = compact({
    Name: r.string(h, 'Name', p, { required: true }) ?? '',
    Present: r.boolean(h, 'Present', p),
    Exact: r.string(h, 'Exact', p),
    Prefix: r.string(h, 'Prefix', p),
    Suffix: r.string(h, 'Suffix', p),
    Regex: r.string(h, 'Regex', p),
    Invert: r.boolean(h, 'Invert', p),
  });
  const set = countSet(out as unknown as JsonObject, ['Present', 'Exact', 'Prefix', 'Suffix', 'Regex']);
  if (set.length !== 1) r.error(p, `must set exactly one of Present, Exact, Prefix, Suffix or Regex${set.length ? ` (got ${set.join(', ')})` : ''}`);
  checkRegex(r, out.Regex, child(p, 'Regex'));
  return out;
}

function readQueryParamMatch(r: EntryReader, item: unknown, p: string): QueryParamMatch | undefined {
  const q = r.struct(item, p, ['Name', 'Present', 'Exact', 'Regex']);
  if (!q) return undefined;
  const out = compact({
    Name: r.string(q, 'Name', p, { required: true }) ?? '',
    Present: r.boolean(q, 'Present', p),
    Exact: r.string(q, 'Exact', p),
    Regex: r.string(q, 'Regex', p),
  });
  const set = countSet(out as unknown as JsonObject, ['Present', 'Exact', 'Regex']);
  if (set.length !== 1) r.error(p, `must set exactly one of Present, Exact or Regex${set.length ? ` (got ${set.join(', ')})` : ''}`);
  checkRegex(r, out.Regex, child(p, 'Regex'));
  return out;
}

function readHttpMatch(r: EntryReader, value: unknown, p: string): HttpRouteMatch | undefined {
  const m = r.struct(value, p, ['PathExact', 'PathPrefix', 'PathRegex', 'Header', 'QueryParam', 'Methods']);
  if (!m) return undefined;
  const out = compact({
    PathExact: r.string(m, 'PathExact', p),
    PathPrefix: r.string(m, 'PathPrefix', p),
    PathRegex: r.string(m, 'PathRegex', p),
    Header: r.array(m, 'Header', p, (item, ip) => readHeaderMatch(r, item, ip)),
    QueryParam: r.array(m, 'QueryParam', p, (item, ip) => readQueryParamMatch(r, item, ip)),
    Methods: r.strings(m, 'Methods', p)?.map((x) => x.toUpperCase()),
  });
  const paths = countSet(out as unknown as JsonObject, ['PathExact', 'PathPrefix', 'PathRegex']);
  if (paths.length > 1) r.error(p, `may set only one of PathExact, PathPrefix or PathRegex (got ${paths.join(', ')})`);
  for (const key of ['PathExact', 'PathPrefix'] as const) {
    const v = out[key];
    if (v !== undefined && !v.startsWith('/')) r.error(child(p, key), `${JSON.stringify(v)} must begin with "/"`);
  }
  checkRegex(r, out.PathRegex, child(p, 'PathRegex'));
  const seen = new Set<string>();
  out.Methods?.forEach((method, i) => {
    if (!HTTP_METHODS.includes(method)) r.error(`${child(p, 'Methods')}[${i}]`, `${JSON.stringify(method)} is not an HTTP method; use one of ${HTTP_METHODS.join(', ')}`);
    else if (seen.has(method)) r.error(`${child(p, 'Methods')}[${i}]`, `${JSON.stringify(method)} is listed twice`);
    seen.add(method);
  });
  return out;
}

function readDestination(r: EntryReader, value: unknown, p: string, match: HttpRouteMatch | undefined): RouteDestination | undefined {
  const d = r.struct(value, p, [
    'Service',
    'ServiceSubset',
    'Namespace',
    'Partition',
    'PrefixRewrite',
    'RequestTimeout',
    'IdleTimeout',
    'NumRetries',
    'RetryOnConnectFailure',
    'RetryOn',
    'RetryOnStatusCodes',
    'RequestHeaders',
    'ResponseHeaders',
  ]);
  if (!d) return undefined;
  const out = compact({
    Service: r.string(d, 'Service', p),
    ServiceSubset: r.string(d, 'ServiceSubset', p),
    Namespace: r.string(d, 'Namespace', p),
    Partition: r.string(d, 'Partition', p),
    PrefixRewrite: r.string(d, 'PrefixRewrite', p),
    RequestTimeout: r.duration(d, 'RequestTimeout', p),
    IdleTimeout: r.duration(d, 'IdleTimeout', p),
    NumRetries: r.number(d, 'NumRetries', p, { integer: true, min: 0 }),
    RetryOnConnectFailure: r.boolean(d, 'RetryOnConnectFailure', p),
    RetryOn: r.strings(d, 'RetryOn', p),
    RetryOnStatusCodes: r.array(d, 'RetryOnStatusCodes', p, (item, ip) => {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 100 || item > 599) {
        r.error(ip, `must be an HTTP status code (100-599), got ${JSON.stringify(item)}`);
        return undefined;
      }
      return item;
    }),
    RequestHeaders: readHeaderModifiers(r, d, 'RequestHeaders', p),
    ResponseHeaders: readHeaderModifiers(r, d, 'ResponseHeaders', p),
  });
  if (out.PrefixRewrite !== undefined && match?.PathExact === undefined && match?.PathPrefix === undefined) {
    r.error(child(p, 'PrefixRewrite'), 'needs a route that matches on PathExact or PathPrefix');
  }
  out.RetryOn?.forEach((cond, i) => {
    if (!RETRY_ON.includes(cond)) r.error(`${child(p, 'RetryOn')}[${i}]`, `${JSON.stringify(cond)} is not a retry condition; use one of ${RETRY_ON.join(', ')}`);
  });
  if (out.Partition !== undefined && out.Partition !== '' && out.Partition !== 'default') {
    r.error(child(p, 'Partition'), `${JSON.stringify(out.Partition)}: only the "default" partition exists`);
  }
  return out;
}

function readRoute(r: EntryReader, item: unknown, p: string): ServiceRoute | undefined {
  const route = r.struct(item, p, ['Match', 'Destination']);
  if (!route) return undefined;
  let match;
  if (route['Match'] !== undefined) {
    const mp = child(p, 'Match');
    const m = r.struct(route['Match'], mp, ['HTTP']);
    if (m) match = compact({ HTTP: m['HTTP'] === undefined ? undefined : readHttpMatch(r, m['HTTP'], child(mp, 'HTTP')) });
  }
  const destination = route['Destination'] === undefined ? undefined : readDestination(r, route['Destination'], child(p, 'Destination'), match?.HTTP);
  return compact({ Match: match, Destination: destination });
}

/** Reads the kind-specific fields of a service-router entry. */
export function readServiceRouter(r: EntryReader, obj: JsonObject): Omit<ServiceRouterEntry, 'Kind' | 'Name'> {
  return compact({ Routes: r.array(obj, 'Routes', '', (item, p) => readRoute(r, item, p)) });
}
