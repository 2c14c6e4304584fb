/** A seeded pseudo-random source (mulberry32), so a mesh and its scenarios are the same on every run. */

/** Random numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence. */
export type Random = () => number;

/** A mulberry32 generator seeded with `seed`. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}
