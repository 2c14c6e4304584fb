/** Seeded random intention sets and requests for the differential RBAC tests. */
import { intentionPrecedence, type Intention, type IntentionHTTPHeaderPermission, type IntentionPermission } from '../../policy/index.ts';

/** The project's seeded PRNG (mulberry32), so every run sees the same cases. */
export { seededRandom as prng } from '../../bench/loadgen/prng.ts';

export class Gen {
  constructor(readonly rand: () => number) {}
  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.rand() * xs.length)];
    if (x === undefined) throw new Error('pick from empty list');
    return x;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }
}

export const NAMES = ['web', 'admin', 'db', 'billing'];
export const NAMESPACES = ['default', 'team'];
const PATHS = ['/', '/a', '/a/b', '/b', '/ab'];
const PREFIXES = ['/', '/a', '/a/', '/b'];
const REGEXES = ['/a/.*', '/(a|b)', '/[ab]+', 'https?|/b'];
const METHODS = ['GET', 'POST', 'HEAD', 'DELETE'];
const HEADER_NAMES = ['x-a', 'x-b'];
const VALUES = ['1', '2', '12', 'a1'];

function sourcePattern(g: Gen): [string, string] {
  const r = g.rand();
  if (r < 0.6) return [g.pick(NAMESPACES), g.pick(NAMES)];
  if (r < 0.85) return [g.pick(NAMESPACES), '*'];
  return ['*', '*'];
}

function header(g: Gen): IntentionHTTPHeaderPermission {
  const h: IntentionHTTPHeaderPermission = { Name: g.pick(HEADER_NAMES) };
  switch (g.int(0, 4)) {
    case 0: h.Present = true; break;
    case 1: h.Exact = g.pick(VALUES); break;
    case 2: h.Prefix = g.pick(['1', 'a']); break;
    case 3: h.Suffix = g.pick(['1', '2']); break;
    default: h.Regex = g.pick(['[0-9]+', 'a.', '1|2']);
  }
  if (g.chance(0.25)) h.Invert = true;
  return h;
}

function permission(g: Gen): IntentionPermission {
  const http: IntentionPermission['HTTP'] = {};
  const r = g.rand();
  if (r < 0.3) http.PathExact = g.pick(PATHS);
  else if (r < 0.6) http.PathPrefix = g.pick(PREFIXES);
  else if (r < 0.75) http.PathRegex = g.pick(REGEXES);
  if (g.chance(0.35)) http.Methods = [...new Set([g.pick(METHODS), g.pick(METHODS)])];
  if (g.chance(0.35) || Object.keys(http).length === 0) http.Header = Array.from({ length: g.int(1, 2) }, () => header(g));
  return { Action: g.chance(0.5) ? 'allow' : 'deny', HTTP: http };
}

/** A random set of intentions around destination `default/api` (some for other destinations). */
export function randomIntentions(g: Gen): Intention[] {
  const out = new Map<string, Intention>();
  const n = g.int(0, 9);
  for (let i = 0; i < n; i++) {
    const [sns, sname] = sourcePattern(g);
    const d = g.rand();
    const [dns, dname] = d < 0.6 ? ['default', 'api'] : d < 0.75 ? ['default', '*'] : d < 0.85 ? ['*', '*'] : d < 0.93 ? ['default', 'db'] : ['team', 'api'];
    const l7 = dname !== '*' && g.chance(0.4);
    const key = `${sns}/${sname}>${dns}/${dname}`;
    out.set(key, {
      ID: '',
      Description: '',
      SourceNS: sns,
      SourceName: sname,
      DestinationNS: dns,
      DestinationName: dname,
      SourceType: 'consul',
      Action: l7 ? '' : g.chance(0.5) ? 'allow' : 'deny',
      ...(l7 ? { Permissions: Array.from({ length: g.int(1, 4) }, () => permission(g)) } : {}),
      Precedence: intentionPrecedence({ namespace: sns, name: sname }, { namespace: dns, name: dname }),
      Meta: {},
      CreateIndex: 0,
      ModifyIndex: 0,
    });
  }
  return [...out.values()];
}

/** A random request: caller, path (sometimes with a query), method, headers. */
export function randomRequest(g: Gen): { source: { namespace: string; name: string }; dc: string; path: string; method: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const h of HEADER_NAMES) if (g.chance(0.5)) headers[h] = g.pick(VALUES);
  return {
    source: { namespace: g.pick(NAMESPACES), name: g.pick([...NAMES, 'api']) },
    dc: g.pick(['dc1', 'dc2']),
    path: g.pick(PATHS) + (g.chance(0.2) ? '?q=1' : ''),
    method: g.pick(METHODS),
    headers,
  };
}
