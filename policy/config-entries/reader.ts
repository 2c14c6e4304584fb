/**
 * A small reader for untrusted JSON: walks an object along a field path, collects every
 * problem as `<kind> "<name>": <Field.Path> <problem>`, and returns typed values.
 */
import { formatDuration, parseDuration } from '../../catalog/health/duration.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Joins a parent path and a child field: ("Routes[0]", "Match") → "Routes[0].Match". */
export function child(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

// Consul's decoder also takes snake_case and any letter case ("service_subset", "http"):
// fold both to one spelling to find the canonical field name.
function foldKey(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

export class EntryReader {
  readonly errors: string[] = [];

  /** `where` prefixes every message, e.g. `service-router "web"`. */
  constructor(readonly where: string) {}

  error(path: string, problem: string): void {
    this.errors.push(path === '' ? `${this.where}: ${problem}` : `${this.where}: ${path} ${problem}`);
  }

  /**
   * Reads a struct with a fixed set of fields: returns a copy keyed by canonical field names,
   * reporting unknown fields by name. Undefined when the value is not an object.
   */
  struct(value: unknown, path: string, known: readonly string[]): JsonObject | undefined {
    if (!isObject(value)) {
      this.error(path, `must be an object, got ${describe(value)}`);
      return undefined;
    }
    const byFold = new Map(known.map((k) => [foldKey(k), k]));
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const canonical = byFold.get(foldKey(key));
      if (canonical === undefined) {
        this.error(child(path, key), `is not a known field; known fields here are ${known.join(', ')}`);
        continue;
      }
      if (v === null || v === undefined) continue;
      out[canonical] = v;
    }
    return out;
  }

  /** Optional string; `nonEmpty` rejects "". */
  string(obj: JsonObject, key: string, path: string, opts: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    const v = obj[key];
    const p = child(path, key);
    if (v === undefined) {
      if (opts.required) this.error(p, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.error(p, `must be a string, got ${describe(v)}`);
      return undefined;
    }
    if ((opts.nonEmpty || opts.required) && v === '') {
      this.error(p, 'must not be empty');
      return undefined;
    }
    return v;
  }

  boolean(obj: JsonObject, key: string, path: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.error(child(path, key), `must be true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** Optional number within [min, max]; `integer` rejects fractions. */
  number(obj: JsonObject, key: string, path: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = child(path, key);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.error(p, `must be a number, got ${describe(v)}`);
      return undefined;
    }
    if (opts.integer && !Number.isInteger(v)) {
      this.error(p, `must be a whole number, got ${v}`);
      return undefined;
    }
    if (opts.min !== undefined && v < opts.min) {
      this.error(p, `must be at least ${opts.min}, got ${v}`);
      return undefined;
    }
    if (opts.max !== undefined && v > opts.max) {
      this.error(p, `must be at most ${opts.max}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /** Optional string from a fixed set; "" is allowed when the set contains it. */
  oneOf<T extends string>(obj: JsonObject, key: string, path: string, allowed: readonly T[], opts: { lowerCase?: boolean } = {}): T | undefined {
    let v = this.string(obj, key, path);
    if (v === undefined) return undefined;
    if (opts.lowerCase) v = v.toLowerCase();
    if (!(allowed as readonly string[]).includes(v)) {
      const shown = allowed.filter((a) => a !== '').join(', ');
      this.error(child(path, key), `${JSON.stringify(v)} is not one of ${shown}`);
      return undefined;
    }
    return v as T;
  }

  /** Optional Go duration string (or a number of nanoseconds), returned in canonical form; negative values rejected. */
  duration(obj: JsonObject, key: string, path: string): string | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = child(path, key);
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.error(p, `must be a duration such as "5s" or "250ms", got ${describe(v)}`);
      return undefined;
    }
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch {
      this.error(p, `${JSON.stringify(v)} is not a duration; use a Go duration such as "5s", "1m30s" or "250ms"`);
      return undefined;
    }
    if (ms < 0) {
      this.error(p, `${JSON.stringify(v)} must not be negative`);
      return undefined;
    }
    return formatDuration(ms);
  }

  /** Optional array; each element read by `each`, whose path is `Key[i]`. */
  array<T>(obj: JsonObject, key: string, path: string, each: (value: unknown, path: string) => T | undefined): T[] | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = child(path, key);
    if (!Array.isArray(v)) {
      this.error(p, `must be a list, got ${describe(v)}`);
      return undefined;
    }
    const out: T[] = [];
    v.forEach((item, i) => {
      const r = each(item, `${p}[${i}]`);
      if (r !== undefined) out.push(r);
    });
    return out;
  }

  /** Optional list of strings. */
  strings(obj: JsonObject, key: string, path: string): string[] | undefined {
    return this.array(obj, key, path, (item, p) => {
      if (typeof item !== 'string') {
        this.error(p, `must be a string, got ${describe(item)}`);
        return undefined;
      }
      return item;
    });
  }

  /** Optional map of user-chosen keys to values read by `each`, whose path is `Key["name"]`. */
  map<T>(obj: JsonObject, key: string, path: string, each: (value: unknown, path: string, name: string) => T | undefined): Record<string, T> | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = child(path, key);
    if (!isObject(v)) {
      this.error(p, `must be an object, got ${describe(v)}`);
      return undefined;
    }
    const out: Record<string, T> = {};
    // Sorted so normalised entries (and everything derived from them) are deterministic.
    for (const name of Object.keys(v).sort()) {
      const r = each(v[name], `${p}[${JSON.stringify(name)}]`, name);
      if (r !== undefined) out[name] = r;
    }
    return out;
  }

  /** Optional map of string to string. */
  stringMap(obj: JsonObject, key: string, path: string): Record<string, string> | undefined {
    return this.map(obj, key, path, (item, p) => {
      if (typeof item !== 'string') {
        this.error(p, `must be a string, got ${describe(item)}`);
        return undefined;
      }
      return item;
    });
  }
}

/** A short description of a JSON value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Drops undefined values so normalised entries serialise without noise. */
export function compact<T extends object>(obj: T): T {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}
