/** The `filter` query parameter: compiled once per request, applied to each result row. */
import { compileFilter } from '../catalog/filter/index.ts';
import { badRequest } from './errors.ts';

/** A predicate for `?filter=`; everything matches when it is absent. A bad expression is a 400. */
export function filterFromQuery(expression: string | undefined): (row: unknown) => boolean {
  if (expression === undefined || expression.trim() === '') return () => true;
  const compiled = compileFilter(expression);
  if (!compiled.ok) throw badRequest(`Failed to create boolean expression evaluator: ${compiled.errors.join('; ')}`);
  return (row) => compiled.value.matches(row);
}

/** Applies `?filter=` to the values of a map-shaped answer (agent services and checks). */
export function filterMap<T>(map: Record<string, T>, keep: (row: unknown) => boolean): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(map)) if (keep(v)) out[k] = v;
  return out;
}
