/** Rendering of violations for logs, errors and the CLI. */
import type { Violation } from './types.ts';

/** `listeners[name].filter_chains[0].filters[1].typed_config.stat_prefix: string.min_len 1 (message)` — one line per violation. */
export function formatViolation(v: Violation, withMessage = false): string {
  const where = v.path === '' ? v.resource : `${v.resource}.${v.path}`;
  return withMessage ? `${where}: ${v.rule} (${v.message})` : `${where}: ${v.rule}`;
}
