/**
 * Schema checks and normalisation of the scalar and well-known values a
 * keepCase plain object may hold: integers of every width (numbers, decimal
 * strings, bigint or Long), floats, bytes, durations and timestamps.
 * Each `read*` returns the normalised value, or a string saying what is wrong.
 */

/** A reason the value does not fit its declared type. */
export type SchemaError = { error: string };

const err = (error: string): SchemaError => ({ error });
/** True when a `read*` result is a schema error. */
export function isSchemaError(v: unknown): v is SchemaError {
  return typeof v === 'object' && v !== null && 'error' in v && !(v instanceof Uint8Array);
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const INT32_NUM: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};

/** True for the protobuf integer kinds. */
export function isIntegerKind(kind: string): boolean {
  return kind in INT_RANGES;
}
/** True for the 64-bit integer kinds (compared as bigint). */
export function is64BitKind(kind: string): boolean {
  return kind in INT_RANGES && !(kind in INT32_NUM);
}

type LongLike = { low: number; high: number; unsigned?: boolean };
function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/** Any integer spelling → bigint, or undefined when it is not an integer at all. */
export function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? BigInt(v) : undefined;
  if (isLongLike(v)) {
    const lo = BigInt(v.low >>> 0);
    const hi = BigInt(v.unsigned ? v.high >>> 0 : v.high);
    return (hi << 32n) + lo;
  }
  return undefined;
}

/** A 32-bit integer kind → number; 64-bit → bigint. */
export function readInteger(kind: string, v: unknown): number | bigint | SchemaError {
  const numRange = INT32_NUM[kind];
  if (numRange && typeof v === 'number') {
    if (!Number.isInteger(v)) return err(`${kind} expected an integer, got ${v}`);
    if (v < numRange[0] || v > numRange[1]) return err(`${v} is out of range for ${kind}`);
    return v;
  }
  const b = toBigInt(v);
  if (b === undefined) return err(`${kind} expected an integer, got ${describe(v)}`);
  const range = INT_RANGES[kind]!;
  if (b < range[0] || b > range[1]) return err(`${b} is out of range for ${kind}`);
  return numRange ? Number(b) : b;
}

/** double/float: a number, or the proto3 JSON strings "NaN", "Infinity", "-Infinity" or a decimal. */
export function readFloat(kind: string, v: unknown): number | SchemaError {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^(NaN|-?Infinity|-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/.test(v)) n = Number(v);
  if (n === undefined) return err(`${kind} expected a number, got ${describe(v)}`);
  if (kind === 'float' && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) return err(`${n} is out of range for float`);
  return kind === 'float' ? Math.fround(n) : n;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** bytes: base64 (standard or URL-safe) or a Buffer/Uint8Array → Buffer. */
export function readBytes(v: unknown): Buffer | SchemaError {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') {
    if (BASE64.test(v)) return Buffer.from(v, 'base64');
    if (BASE64URL.test(v)) return Buffer.from(v, 'base64url');
    return err('bytes expected base64 text');
  }
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0 && x < 256)) return Buffer.from(v as number[]);
  return err(`bytes expected base64 text or a Buffer, got ${describe(v)}`);
}

const NANOS = 1_000_000_000n;
const MAX_DURATION_SECONDS = 315_576_000_000n;

/** Duration: `{seconds, nanos}` or proto3 JSON `"1.5s"` → total nanoseconds. */
export function readDuration(v: unknown): bigint | SchemaError {
  if (typeof v === 'string') {
    const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
    if (!m) return err(`duration expected "<seconds>[.<fraction>]s", got ${JSON.stringify(v)}`);
    const secs = BigInt(m[2]!);
    if (secs > MAX_DURATION_SECONDS) return err(`duration ${v} is out of range (±315576000000s)`);
    const total = secs * NANOS + BigInt((m[3] ?? '').padEnd(9, '0') || '0');
    return m[1] ? -total : total;
  }
  const parts = readSecondsNanos(v, 'duration');
  if (isSchemaError(parts)) return parts;
  const [s, n] = parts;
  if (s > MAX_DURATION_SECONDS || s < -MAX_DURATION_SECONDS) return err(`duration seconds ${s} is out of range (±315576000000)`);
  if ((s > 0n && n < 0n) || (s < 0n && n > 0n)) return err('duration seconds and nanos must have the same sign');
  return s * NANOS + n;
}

const MIN_TS_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_TS_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

/** Timestamp: `{seconds, nanos}` or an RFC 3339 string → nanoseconds since the epoch. */
export function readTimestamp(v: unknown): bigint | SchemaError {
  if (typeof v === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(v);
    const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
    if (!m || Number.isNaN(ms)) return err(`timestamp expected RFC 3339 text, got ${JSON.stringify(v)}`);
    return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  }
  const parts = readSecondsNanos(v, 'timestamp');
  if (isSchemaError(parts)) return parts;
  const [s, n] = parts;
  if (s < MIN_TS_SECONDS || s > MAX_TS_SECONDS) return err(`timestamp seconds ${s} is outside years 1–9999`);
  if (n < 0n) return err('timestamp nanos must not be negative');
  return s * NANOS + n;
}

function readSecondsNanos(v: unknown, what: string): [bigint, bigint] | SchemaError {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err(`${what} expected {seconds, nanos} or a string, got ${describe(v)}`);
  const rec = v as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (k !== 'seconds' && k !== 'nanos') return err(`${what} has unknown field "${k}"`);
  const s = rec.seconds == null ? 0n : toBigInt(rec.seconds);
  const n = rec.nanos == null ? 0n : toBigInt(rec.nanos);
  if (s === undefined) return err(`${what} seconds must be an integer`);
  if (n === undefined || n > 999_999_999n || n < -999_999_999n) return err(`${what} nanos must be an integer within ±999999999`);
  return [s, n];
}

/** `{seconds, nanos}` from a rule option (protobufjs gives `{}` for zero). */
export function optionNanos(v: unknown): bigint {
  const d = readDuration(v ?? {});
  return isSchemaError(d) ? 0n : d;
}

/** Nanoseconds → `1.5s` style text, for rule names and messages. */
export function formatNanos(n: bigint): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const frac = (a % NANOS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${a / NANOS}${frac ? '.' + frac : ''}s`;
}

/** Short description of a value's JS type for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
