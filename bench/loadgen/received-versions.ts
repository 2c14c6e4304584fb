/**
 * The distinct (type URL, resource name, version) triples a fleet received:
 * what the encode-once figure compares the server's encodings with. Versions
 * are content hashes, so each triple is one distinct encoded resource.
 *
 * Kept as type → name → version(s) rather than a set of joined strings: the
 * name and version strings come from the decoded response already, so a
 * resource seen again costs two map lookups and no allocation, and a name
 * seen with one version (the common case) holds that version string itself
 * rather than a set of one.
 */

/** A growing set of (type URL, name, version) triples. */
export class ReceivedVersions {
  private readonly byType = new Map<string, Map<string, string | Set<string>>>();
  private count = 0;

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
