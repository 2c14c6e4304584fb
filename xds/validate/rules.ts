/**
 * Compiles one PGV rule body (the `string {...}`, `uint32 {...}`, `duration
 * {...}` part of a FieldRules) into a check over an already normalised value.
 * Compiled once per field; the checks only compare.
 */
import { ruleList, ruleObject, type RuleObject } from './annotations.ts';
import {
  isAddress, isEmail, isHostname, isIp, isIpv4, isIpv6, isUri, isUriRef, isUuid, matchesKnownRegex,
} from './well-known.ts';
import { re2ToRegExp } from './re2.ts';
import { formatNanos, is64BitKind, optionNanos, readTimestamp, isSchemaError, toBigInt } from './values.ts';

/** Where a check reports; also carries the clock for `*_now` rules. */
export interface Sink {
  report(rule: string, message: string): void;
  now(): Date;
}

/** A compiled check over one normalised value. */
export type Check = (v: never, sink: Sink) => void;
type CheckOf<T> = (v: T, sink: Sink) => void;

function all<T>(checks: CheckOf<T>[], ignoreEmpty: ((v: T) => boolean) | undefined): CheckOf<T> | undefined {
  if (checks.length === 0) return undefined;
  return (v, sink) => {
    if (ignoreEmpty?.(v)) return;
    for (const c of checks) c(v, sink);
  };
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const showList = (vs: unknown[]): string => `[${vs.map(show).join(', ')}]`;

// ---- strings --------------------------------------------------------------

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

const num = (v: unknown): number => Number(v);

/** string rules → check over a JS string. */
export function compileStringRules(r: RuleObject): CheckOf<string> | undefined {
  const c: CheckOf<string>[] = [];
  if (r.const !== undefined) {
    const k = String(r.const);
    c.push((s, o) => { if (s !== k) o.report(`string.const ${show(k)}`, `must equal ${show(k)}`); });
  }
  if (r.len !== undefined) {
    const n = num(r.len);
    c.push((s, o) => { const l = codePoints(s); if (l !== n) o.report(`string.len ${n}`, `must be exactly ${n} characters, is ${l}`); });
  }
  if (r.min_len !== undefined) {
    const n = num(r.min_len);
    c.push((s, o) => {
      // s.length bounds the code-point count from above: no need to count when it is already short or plainly long enough.
      if (s.length >= 2 * n) return;
      const l = codePoints(s);
      if (l < n) o.report(`string.min_len ${n}`, `must be at least ${n} characters, is ${l}`);
    });
  }
  if (r.max_len !== undefined) {
    const n = num(r.max_len);
    c.push((s, o) => { if (s.length > n) { const l = codePoints(s); if (l > n) o.report(`string.max_len ${n}`, `must be at most ${n} characters, is ${l}`); } });
  }
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
  if (r.len_bytes !== undefined) {
    const n = num(r.len_bytes);
    c.push((s, o) => { const l = bytes(s); if (l !== n) o.report(`string.len_bytes ${n}`, `must be exactly ${n} bytes, is ${l}`); });
  }
  if (r.min_bytes !== undefined) {
    const n = num(r.min_bytes);
    c.push((s, o) => { if (s.length < n) { const l = bytes(s); if (l < n) o.report(`string.min_bytes ${n}`, `must be at least ${n} bytes, is ${l}`); } });
  }
  if (r.max_bytes !== undefined) {
    const n = num(r.max_bytes);
    c.push((s, o) => { if (s.length * 3 > n) { const l = bytes(s); if (l > n) o.report(`string.max_bytes ${n}`, `must be at most ${n} bytes, is ${l}`); } });
  }
  if (r.pattern !== undefined) {
    const p = String(r.pattern);
    let re: RegExp | undefined;
    let why = '';
    try { re = re2ToRegExp(p); } catch (e) { why = (e as Error).message; }
    c.push((s, o) => {
      if (!re) o.report(`string.pattern ${show(p)}`, `pattern cannot be checked: ${why}`);
      else if (!re.test(s)) o.report(`string.pattern ${show(p)}`, `must match ${show(p)}`);
    });
  }
  if (r.prefix !== undefined) {
    const k = String(r.prefix);
    c.push((s, o) => { if (!s.startsWith(k)) o.report(`string.prefix ${show(k)}`, `must start with ${show(k)}`); });
  }
  if (r.suffix !== undefined) {
    const k = String(r.suffix);
    c.push((s, o) => { if (!s.endsWith(k)) o.report(`string.suffix ${show(k)}`, `must end with ${show(k)}`); });
  }
  if (r.contains !== undefined) {
    const k = String(r.contains);
    c.push((s, o) => { if (!s.includes(k)) o.report(`string.contains ${show(k)}`, `must contain ${show(k)}`); });
  }
  if (r.not_contains !== undefined) {
    const k = String(r.not_contains);
    c.push((s, o) => { if (s.includes(k)) o.report(`string.not_contains ${show(k)}`, `must not contain ${show(k)}`); });
  }
  const inList = ruleList(r.in)?.map(String);
  if (inList) {
    const set = new Set(inList);
    c.push((s, o) => { if (!set.has(s)) o.report(`string.in ${showList(inList)}`, `must be one of ${showList(inList)}, is ${show(s)}`); });
  }
  const notIn = ruleList(r.not_in)?.map(String);
  if (notIn) {
    const set = new Set(notIn);
    c.push((s, o) => { if (set.has(s)) o.report(`string.not_in ${showList(notIn)}`, `must not be one of ${showList(notIn)}`); });
  }
  const wk: [string, (s: string) => boolean, string][] = [
    ['email', isEmail, 'an email address'], ['hostname', isHostname, 'a hostname'], ['ip', isIp, 'an IP address'],
    ['ipv4', isIpv4, 'an IPv4 address'], ['ipv6', isIpv6, 'an IPv6 address'], ['uri', isUri, 'an absolute URI'],
    ['uri_ref', isUriRef, 'a URI reference'], ['address', isAddress, 'a hostname or IP address'], ['uuid', isUuid, 'a UUID'],
  ];
  for (const [key, test, what] of wk) {
    if (r[key] === true) c.push((s, o) => { if (!test(s)) o.report(`string.${key}`, `must be ${what}, is ${show(s)}`); });
  }
  const known = r.well_known_regex;
  if (known === 'HTTP_HEADER_NAME' || known === 'HTTP_HEADER_VALUE' || known === 1 || known === 2) {
    const which = known === 1 || known === 'HTTP_HEADER_NAME' ? 'HTTP_HEADER_NAME' : 'HTTP_HEADER_VALUE';
    // `strict` defaults to true (validate.proto declares [default = true]).
    const strict = r.strict !== false;
    const rule = `string.well_known_regex ${which}${strict ? '' : ' (strict: false)'}`;
    c.push((s, o) => { if (!matchesKnownRegex(which, strict, s)) o.report(rule, `must be a valid ${which === 'HTTP_HEADER_NAME' ? 'HTTP header name' : 'HTTP header value'}, is ${show(s)}`); });
  }
  return all(c, r.ignore_empty === true ? (s) => s === '' : undefined);
}

// ---- numbers --------------------------------------------------------------

type Num = number | bigint;

/** Numeric rules of any scalar kind → check over a number (32-bit, floats) or bigint (64-bit). */
export function compileNumberRules(kind: string, r: RuleObject): CheckOf<Num> | undefined {
  const wide = is64BitKind(kind);
  const conv = (v: unknown): Num => (wide ? toBigInt(typeof v === 'number' ? Math.trunc(v) : v) ?? 0n : kind === 'float' ? Math.fround(Number(v)) : Number(v));
  const c: CheckOf<Num>[] = [];
  if (r.const !== undefined) {
    const k = conv(r.const);
    c.push((v, o) => { if (v != k) o.report(`${kind}.const ${k}`, `must equal ${k}, is ${v}`); });
  }
  const lower = r.gt !== undefined ? { v: conv(r.gt), incl: false } : r.gte !== undefined ? { v: conv(r.gte), incl: true } : undefined;
  const upper = r.lt !== undefined ? { v: conv(r.lt), incl: false } : r.lte !== undefined ? { v: conv(r.lte), incl: true } : undefined;
  const lowRule = lower && `${kind}.${lower.incl ? 'gte' : 'gt'} ${lower.v}`;
  const upRule = upper && `${kind}.${upper.incl ? 'lte' : 'lt'} ${upper.v}`;
  const above = (v: Num): boolean => (lower!.incl ? v >= lower!.v : v > lower!.v);
  const below = (v: Num): boolean => (upper!.incl ? v <= upper!.v : v < upper!.v);
  if (lower && upper && upper.v < lower.v) {
    // PGV: when lt < gt the allowed values are the two outer rays, not the interval between.
    const rule = `${upRule} || ${lowRule!.slice(kind.length + 1)}`;
    c.push((v, o) => { if (!(below(v) || above(v))) o.report(rule, `must be outside the range ${upper.v}..${lower.v}, is ${v}`); });
  } else {
    if (lower) c.push((v, o) => { if (!above(v)) o.report(lowRule!, `must be ${lower.incl ? 'at least' : 'greater than'} ${lower.v}, is ${v}`); });
    if (upper) c.push((v, o) => { if (!below(v)) o.report(upRule!, `must be ${upper.incl ? 'at most' : 'less than'} ${upper.v}, is ${v}`); });
  }
  const inList = ruleList(r.in)?.map(conv);
  if (inList) c.push((v, o) => { if (!inList.some((x) => x == v)) o.report(`${kind}.in ${showList(inList)}`, `must be one of ${showList(inList)}, is ${v}`); });
  const notIn = ruleList(r.not_in)?.map(conv);
  if (notIn) c.push((v, o) => { if (notIn.some((x) => x == v)) o.report(`${kind}.not_in ${showList(notIn)}`, `must not be one of ${showList(notIn)}`); });
  return all(c, r.ignore_empty === true ? (v) => v == 0 : undefined);
}

/** bool rules. */
export function compileBoolRules(r: RuleObject): CheckOf<boolean> | undefined {
  if (r.const === undefined) return undefined;
  const k = r.const === true || r.const === 'true';
  return (v, o) => { if (v !== k) o.report(`bool.const ${k}`, `must be ${k}`); };
}

/** enum rules over the numeric value; `values` are the enum's defined numbers and `nameOf` names one for messages. */
export function compileEnumRules(r: RuleObject, defined: ReadonlySet<number>, toNumber: (v: unknown) => number | undefined): CheckOf<number> | undefined {
  const c: CheckOf<number>[] = [];
  const conv = (v: unknown): number => toNumber(v) ?? Number(v);
  if (r.const !== undefined) {
    const k = conv(r.const);
    c.push((v, o) => { if (v !== k) o.report(`enum.const ${k}`, `must equal ${k}, is ${v}`); });
  }
  if (r.defined_only === true) {
    c.push((v, o) => { if (!defined.has(v)) o.report('enum.defined_only', `${v} is not a defined value`); });
  }
  const inList = ruleList(r.in)?.map(conv);
  if (inList) c.push((v, o) => { if (!inList.includes(v)) o.report(`enum.in ${showList(inList)}`, `must be one of ${showList(inList)}, is ${v}`); });
  const notIn = ruleList(r.not_in)?.map(conv);
  if (notIn) c.push((v, o) => { if (notIn.includes(v)) o.report(`enum.not_in ${showList(notIn)}`, `must not be one of ${showList(notIn)}, is ${v}`); });
  return all(c, undefined);
}

// ---- bytes ----------------------------------------------------------------

/** bytes rules over a Buffer. Option byte strings arrive as latin1 text from the proto parser. */
export function compileBytesRules(r: RuleObject): CheckOf<Buffer> | undefined {
  const c: CheckOf<Buffer>[] = [];
  const b = (v: unknown): Buffer => Buffer.from(String(v), 'latin1');
  const hex = (x: Buffer): string => `0x${x.toString('hex')}`;
  if (r.const !== undefined) { const k = b(r.const); c.push((v, o) => { if (!v.equals(k)) o.report(`bytes.const ${hex(k)}`, `must equal ${hex(k)}`); }); }
  if (r.len !== undefined) { const n = num(r.len); c.push((v, o) => { if (v.length !== n) o.report(`bytes.len ${n}`, `must be exactly ${n} bytes, is ${v.length}`); }); }
  if (r.min_len !== undefined) { const n = num(r.min_len); c.push((v, o) => { if (v.length < n) o.report(`bytes.min_len ${n}`, `must be at least ${n} bytes, is ${v.length}`); }); }
  if (r.max_len !== undefined) { const n = num(r.max_len); c.push((v, o) => { if (v.length > n) o.report(`bytes.max_len ${n}`, `must be at most ${n} bytes, is ${v.length}`); }); }
  if (r.pattern !== undefined) {
    const p = String(r.pattern);
    let re: RegExp | undefined;
    try { re = re2ToRegExp(p); } catch { re = undefined; }
    c.push((v, o) => { if (!re || !re.test(v.toString('utf8'))) o.report(`bytes.pattern ${show(p)}`, `must match ${show(p)}`); });
  }
  if (r.prefix !== undefined) { const k = b(r.prefix); c.push((v, o) => { if (!v.subarray(0, k.length).equals(k)) o.report(`bytes.prefix ${hex(k)}`, `must start with ${hex(k)}`); }); }
  if (r.suffix !== undefined) { const k = b(r.suffix); c.push((v, o) => { if (v.length < k.length || !v.subarray(v.length - k.length).equals(k)) o.report(`bytes.suffix ${hex(k)}`, `must end with ${hex(k)}`); }); }
  if (r.contains !== undefined) { const k = b(r.contains); c.push((v, o) => { if (v.indexOf(k) < 0) o.report(`bytes.contains ${hex(k)}`, `must contain ${hex(k)}`); }); }
  const inList = ruleList(r.in)?.map(b);
  if (inList) c.push((v, o) => { if (!inList.some((x) => x.equals(v))) o.report(`bytes.in [${inList.map(hex).join(', ')}]`, 'must be one of the listed values'); });
  const notIn = ruleList(r.not_in)?.map(b);
  if (notIn) c.push((v, o) => { if (notIn.some((x) => x.equals(v))) o.report(`bytes.not_in [${notIn.map(hex).join(', ')}]`, 'must not be one of the listed values'); });
  if (r.ip === true) c.push((v, o) => { if (v.length !== 4 && v.length !== 16) o.report('bytes.ip', `must be 4 or 16 bytes, is ${v.length}`); });
  if (r.ipv4 === true) c.push((v, o) => { if (v.length !== 4) o.report('bytes.ipv4', `must be 4 bytes, is ${v.length}`); });
  if (r.ipv6 === true) c.push((v, o) => { if (v.length !== 16) o.report('bytes.ipv6', `must be 16 bytes, is ${v.length}`); });
  return all(c, r.ignore_empty === true ? (v) => v.length === 0 : undefined);
}

// ---- durations and timestamps ---------------------------------------------

function compileTimeRange(kind: 'duration' | 'timestamp', r: RuleObject, conv: (v: unknown) => bigint, fmt: (n: bigint) => string): CheckOf<bigint>[] {
  const c: CheckOf<bigint>[] = [];
  if (r.const !== undefined) { const k = conv(r.const); c.push((v, o) => { if (v !== k) o.report(`${kind}.const ${fmt(k)}`, `must equal ${fmt(k)}, is ${fmt(v)}`); }); }
  const lower = r.gt !== undefined ? { v: conv(r.gt), incl: false } : r.gte !== undefined ? { v: conv(r.gte), incl: true } : undefined;
  const upper = r.lt !== undefined ? { v: conv(r.lt), incl: false } : r.lte !== undefined ? { v: conv(r.lte), incl: true } : undefined;
  const lowRule = lower && `${kind}.${lower.incl ? 'gte' : 'gt'} ${fmt(lower.v)}`;
  const upRule = upper && `${kind}.${upper.incl ? 'lte' : 'lt'} ${fmt(upper.v)}`;
  const above = (v: bigint): boolean => (lower!.incl ? v >= lower!.v : v > lower!.v);
  const below = (v: bigint): boolean => (upper!.incl ? v <= upper!.v : v < upper!.v);
  if (lower && upper && upper.v < lower.v) {
    const rule = `${upRule} || ${lowRule!.slice(kind.length + 1)}`;
    c.push((v, o) => { if (!(below(v) || above(v))) o.report(rule, `must be outside ${fmt(upper.v)}..${fmt(lower.v)}, is ${fmt(v)}`); });
  } else {
    if (lower) c.push((v, o) => { if (!above(v)) o.report(lowRule!, `must be ${lower.incl ? 'at least' : 'greater than'} ${fmt(lower.v)}, is ${fmt(v)}`); });
    if (upper) c.push((v, o) => { if (!below(v)) o.report(upRule!, `must be ${upper.incl ? 'at most' : 'less than'} ${fmt(upper.v)}, is ${fmt(v)}`); });
  }
  const inList = ruleList(r.in)?.map(conv);
  if (inList) c.push((v, o) => { if (!inList.includes(v)) o.report(`${kind}.in [${inList.map(fmt).join(', ')}]`, `must be one of the listed values, is ${fmt(v)}`); });
  const notIn = ruleList(r.not_in)?.map(conv);
  if (notIn) c.push((v, o) => { if (notIn.includes(v)) o.report(`${kind}.not_in [${notIn.map(fmt).join(', ')}]`, `must not be ${fmt(v)}`); });
  return c;
}

/** duration rules (other than `required`, which the caller handles) over total nanoseconds. */
export function compileDurationRules(r: RuleObject): CheckOf<bigint> | undefined {
  return all(compileTimeRange('duration', r, optionNanos, formatNanos), undefined);
}

const formatTs = (n: bigint): string => {
  const ms = Number(n / 1_000_000n);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${n}ns`;
};

/** timestamp rules (other than `required`) over nanoseconds since the epoch; `*_now` and `within` read the sink's clock. */
export function compileTimestampRules(r: RuleObject): CheckOf<bigint> | undefined {
  const conv = (v: unknown): bigint => { const t = readTimestamp(v ?? {}); return isSchemaError(t) ? 0n : t; };
  const c = compileTimeRange('timestamp', r, conv, formatTs);
  const within = r.within !== undefined ? optionNanos(r.within) : undefined;
  const ltNow = r.lt_now === true;
  const gtNow = r.gt_now === true;
  if (ltNow || gtNow || within !== undefined) {
    c.push((v, o) => {
      const now = BigInt(o.now().getTime()) * 1_000_000n;
      if (ltNow && !(v < now)) o.report('timestamp.lt_now', `must be before now, is ${formatTs(v)}`);
      if (gtNow && !(v > now)) o.report('timestamp.gt_now', `must be after now, is ${formatTs(v)}`);
      if (within !== undefined) {
        const d = v > now ? v - now : now - v;
        if (d > within) o.report(`timestamp.within ${formatNanos(within)}`, `must be within ${formatNanos(within)} of now, is ${formatTs(v)}`);
      }
    });
  }
  return all(c, undefined);
}

/** any rules (other than `required`) over the type URL. */
export function compileAnyRules(r: RuleObject): CheckOf<string> | undefined {
  const c: CheckOf<string>[] = [];
  const inList = ruleList(r.in)?.map(String);
  if (inList) c.push((v, o) => { if (!inList.includes(v)) o.report(`any.in ${showList(inList)}`, `type must be one of ${showList(inList)}, is ${show(v)}`); });
  const notIn = ruleList(r.not_in)?.map(String);
  if (notIn) c.push((v, o) => { if (notIn.includes(v)) o.report(`any.not_in ${showList(notIn)}`, `type must not be ${show(v)}`); });
  return all(c, undefined);
}

/** The single typed member of a FieldRules (`string`, `uint32`, `repeated`, ...) besides `message`. */
export function typedRule(rules: RuleObject | undefined): [string, RuleObject] | undefined {
  if (!rules) return undefined;
  for (const [k, v] of Object.entries(rules)) {
    if (k === 'message') continue;
    const body = ruleObject(v);
    if (body) return [k, body];
  }
  return undefined;
}
