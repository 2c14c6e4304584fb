/** A small seeded PRNG (mulberry32) and value generators for the fuzz tests: same seed, same sequence. */

import { seededRandom } from '../../bench/loadgen/prng.ts';

/** A seeded random source with helpers. */
export class Rng {
  private readonly random: () => number;
  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Random bytes (any values, so also invalid UTF-8). */
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A string of printable ASCII, path-ish punctuation and some non-ASCII. */
  text(max = 24): string {
    const alphabet = 'abcXYZ019-_.~/:%?&=#@!$ \'"\\{}[]<>é中\u0000\u202e';
    let s = '';
    const n = this.int(max + 1);
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** A number meant to trip validation: huge, tiny, negative, fractional, non-finite as text elsewhere. */
  number(): number {
    return this.pick([0, -1, 1, 0.5, -0, 2 ** 31, 2 ** 53 + 1, 2 ** 64, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 65536, 99999999]);
  }

  /** A random JSON value of bounded depth and size. */
  json(depth = 3): unknown {
    const k = this.int(depth > 0 ? 8 : 5);
    switch (k) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.text();
      case 5: {
        const n = this.int(4);
        return Array.from({ length: n }, () => this.json(depth - 1));
      }
      default: {
        const o: Record<string, unknown> = {};
        const n = this.int(5);
        for (let i = 0; i < n; i++) o[this.chance(0.7) ? this.pick(FIELD_NAMES) : this.text(8)] = this.json(depth - 1);
        return o;
      }
    }
  }
}

/** Field names the API actually reads, so random objects reach past the first type check. */
export const FIELD_NAMES = [
  'Node', 'Address', 'ID', 'Name', 'Service', 'Port', 'Tags', 'Meta', 'Check', 'Checks', 'Kind', 'Proxy', 'Connect',
  'DestinationServiceName', 'Upstreams', 'LocalBindPort', 'DestinationName', 'Sources', 'Action', 'Permissions',
  'SourceName', 'DestinationName', 'Config', 'Protocol', 'Routes', 'Splits', 'Weight', 'Subsets', 'Filter',
  'TTL', 'HTTP', 'TCP', 'Interval', 'Status', 'Datacenter', 'TaggedAddresses', 'Weights', 'Namespace',
  'Description', 'Policies', 'Rules', 'SecretID', 'AccessorID', 'LeafCertTTL', 'PrivateKeyType', 'PrivateKeyBits',
] as const;
