/**
 * Intention precedence, with the numbers Consul reports.
 *
 * Each side of an intention (source, destination) is a namespace/name pair in
 * which a wildcard may only follow an exact value: `ns/name`, `ns/*` or `*\/*`.
 * Count the exact parts of each side (2, 1 or 0). The destination's count
 * picks a band (2 → 9, 1 → 6, 0 → 3) and each wildcard part of the source
 * takes one off:
 *
 * | source        | destination   | precedence |
 * |---------------|---------------|------------|
 * | ns/name       | ns/name       | 9          |
 * | ns/*          | ns/name       | 8          |
 * | *\/*          | ns/name       | 7          |
 * | ns/name       | ns/*          | 6          |
 * | ns/*          | ns/*          | 5          |
 * | *\/*          | ns/*          | 4          |
 * | ns/name       | *\/*          | 3          |
 * | ns/*          | *\/*          | 2          |
 * | *\/*          | *\/*          | 1          |
 *
 * A more specific destination always wins over a more specific source.
 * Intentions are evaluated highest first; equal precedences are ordered by
 * (SourceNS, SourceName, DestinationNS, DestinationName) compared lexically,
 * which only makes the order deterministic — two intentions with the same
 * precedence can never both match one source/destination pair.
 *
 * Worked example — intentions `web→api deny`, `*→api allow`, `web→* allow`:
 * precedences 9, 8 and 6, so for the pair (web, api) the deny governs; for
 * (billing, api) `*→api` allows; for (web, db) `web→*` allows.
 */
import { DEFAULT_NAMESPACE, WILDCARD, type Intention } from './types.ts';

/** Number of exact (non-wildcard) parts of a namespace/name pair: 2, 1 or 0. */
export function exactParts(namespace: string, name: string): number {
  if (namespace === WILDCARD) return 0;
  return name === WILDCARD ? 1 : 2;
}

/** The precedence Consul gives an intention from `source` to `destination` (1..9). */
export function intentionPrecedence(
  source: { namespace?: string; name: string },
  destination: { namespace?: string; name: string },
): number {
  const band = [3, 6, 9][exactParts(destination.namespace || DEFAULT_NAMESPACE, destination.name)] ?? 0;
  return band - (2 - exactParts(source.namespace || DEFAULT_NAMESPACE, source.name));
}

function lexical(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort comparator for evaluation order: precedence descending, then the lexical tie-break. */
export function compareIntentions(a: Intention, b: Intention): number {
  return (
    b.Precedence - a.Precedence ||
    lexical(a.SourceNS, b.SourceNS) ||
    lexical(a.SourceName, b.SourceName) ||
    lexical(a.DestinationNS, b.DestinationNS) ||
    lexical(a.DestinationName, b.DestinationName)
  );
}

/** A new array of the intentions in evaluation order (the input is not modified). */
export function sortByPrecedence<T extends Intention>(intentions: readonly T[]): T[] {
  return [...intentions].sort(compareIntentions);
}
