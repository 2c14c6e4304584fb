/**
 * The distinct (type URL, resource name, version) triples a fleet received:
 * what the encode-once figure compares the server's encodings with. Versions
 * are content hashes, so each triple is one distinct encoded resource.
 *
 * Kept as type → name → version(s) rather than a set of joined strings: the
 * name and version strings come from the decoded response already, so a
 * resource seen again costs two map lookups and no allocation, and a name
 * seen with one version (the common case) holds that version string itself
 * rather than a set of one. The fleet hands in shared resource objects (one
 * per distinct content, `shared-resources.ts`, each with a small integer
 * id), so one already counted is recognised by a bit before any string is
 * looked at.
 */

/** A growing set of (type URL, name, version) triples. */
export class ReceivedVersions {
  private readonly byType = new Map<string, Map<string, string | Set<string>>>();
  /** Which shared resources (by id) were added already: one bit each. */
  private seen = new Uint8Array(1024);
  private count = 0;

  /** Adds the triple of `resource`, whose `id` always stands for the same triple; a second call with the same id costs one bit test. */
  addResource(resource: { readonly id: number; readonly typeUrl: string; readonly name: string; readonly version: string }): boolean {
    const byte = resource.id >>> 3;
    const bit = 1 << (resource.id & 7);
    if (byte >= this.seen.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (((this.seen[byte] as number) & bit) !== 0) return false;
    this.seen[byte] = (this.seen[byte] as number) | bit;
    return this.add(resource.typeUrl, resource.name, resource.version);
  }

  /** Adds one triple; returns whether it was new. */
  add(typeUrl: string, name: string, version: string): boolean {
    let names = this.byType.get(typeUrl);
    if (!names) this.byType.set(typeUrl, (names = new Map()));
    const held = names.get(name);
    if (held === undefined) names.set(name, version);
    else if (typeof held === 'string') {
      if (held === version) return false;
      names.set(name, new Set([held, version]));
    } else {
      if (held.has(version)) return false;
      held.add(version);
    }
    this.count++;
    return true;
  }

  /** How many distinct triples were added. */
  get size(): number {
    return this.count;
  }

  /** Distinct triples per type URL. */
  sizeByType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [typeUrl, names] of this.byType) {
      let n = 0;
      for (const v of names.values()) n += typeof v === 'string' ? 1 : v.size;
      out[typeUrl] = n;
    }
    return out;
  }
}
