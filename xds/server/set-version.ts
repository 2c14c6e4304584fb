/**
 * The version of a set of resources (version_info of a SotW response, the
 * informational system_version_info of a delta one). Each resource's version
 * is a content hash of its encoding, which holds its name, so the set is
 * named by combining those hashes with XOR, six bits per base64url character:
 * no sort, no digest, a few nanoseconds per resource. Equal sets give equal
 * versions; a set holds a name once, so two different sets share a version
 * only by chance (one in 2^132). The count in front keeps sets of different
 * sizes apart outright.
 */
import type { Resource } from '../cache/index.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
/** Characters of a resource version (22 base64url characters of a SHA-256 digest). */
const WIDTH = 22;

/** A version naming exactly this set of resources, whatever their order. */
export function setVersion(resources: Iterable<Resource>): string {
  const acc = new Uint8Array(WIDTH);
  let count = 0;
  for (const r of resources) {
    const v = r.version;
    for (let i = 0; i < WIDTH && i < v.length; i++) acc[i]! ^= VALUE[v.charCodeAt(i) & 127]!;
    count++;
  }
  let out = `${count}.`;
  for (let i = 0; i < WIDTH; i++) out += ALPHABET[acc[i]!];
  return out;
}
