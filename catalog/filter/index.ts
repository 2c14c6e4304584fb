/** Consul-style filter expressions (`?filter=`): compile once, match many result rows. */
import { evaluate } from './evaluate.ts';
import { FilterSyntaxError } from './lexer.ts';
import { parseFilter } from './parser.ts';

export type { FilterNode, Literal, MatchOperator, SelectorPath } from './ast.ts';

export interface CompiledFilter {
  /** True if the row (a PascalCase JSON-shaped object) satisfies the expression. */
  matches(obj: unknown): boolean;
}

export type CompileResult = { ok: true; value: CompiledFilter } | { ok: false; errors: string[] };

/**
 * Compiles a filter expression; a blank expression matches everything. Syntax errors come back
 * as `{ ok: false, errors }` with messages like `filter: unexpected token "==" at 12` (0-based offset).
 */
export function compileFilter(expression: string): CompileResult {
  if (expression.trim() === '') return { ok: true, value: { matches: () => true } };
  try {
    const tree = parseFilter(expression);
    return { ok: true, value: { matches: (obj: unknown) => evaluate(tree, obj) } };
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { ok: false, errors: [err.message] };
    throw err;
  }
}
