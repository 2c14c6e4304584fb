/**
 * Evaluation of a parsed filter against a plain JSON-shaped object.
 *
 * Semantics (following Consul's documented behaviour where it has one):
 * - A selector walks object keys. When it meets an array before its last step it fans out
 *   over the elements, and a positive operator (==, in/contains, matches, is empty) is true
 *   if any element satisfies it: `Checks.Status == critical` means "some check is critical".
 *   Negated operators are the negation of the positive one over the whole set:
 *   `Checks.Status != critical` means "no check is critical".
 * - A missing key (or null) reads as the empty string, as Consul does for a missing map key:
 *   `Meta.x == ""` and `Meta.x is empty` are true, `Meta.x == v` is false for any non-empty v,
 *   `v in Meta.x` is false.
 * - Literals are coerced to the type of the value they meet: numbers compare numerically
 *   (`Service.Port == 8080` or `== "8080"`), booleans accept true/false; a literal that does
 *   not coerce never equals.
 * - `in`/`contains`: substring on a string, element equality on an array, key presence on an
 *   object (map).
 * - `matches`: a JavaScript regular expression searched (unanchored) in the string, or in the
 *   decimal form of a number or boolean.
 */
import type { FilterNode, Literal } from './ast.ts';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True if the object satisfies the expression tree. */
export function evaluate(node: FilterNode, obj: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, obj) && evaluate(node.right, obj);
    case 'or':
      return evaluate(node.left, obj) || evaluate(node.right, obj);
    case 'not':
      return !evaluate(node.operand, obj);
    case 'match': {
      const values = resolve(obj, node.selector, 0);
      const value = node.value as Literal;
      switch (node.operator) {
        case 'equal':
          return anyOf(values, (v) => equals(v, value));
        case 'notEqual':
          return !anyOf(values, (v) => equals(v, value));
        case 'in':
          return anyOf(values, (v) => contains(v, value));
        case 'notIn':
          return !anyOf(values, (v) => contains(v, value));
        case 'isEmpty':
          return values.length === 0 || anyOf(values, isEmpty);
        case 'isNotEmpty':
          return !(values.length === 0 || anyOf(values, isEmpty));
        case 'matches':
          return anyOf(values, (v) => regexMatch(v, node.regex as RegExp));
        case 'notMatches':
          return !anyOf(values, (v) => regexMatch(v, node.regex as RegExp));
        default:
          return assertNever(node.operator);
      }
    }
    default:
      return assertNever(node);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled filter node ${JSON.stringify(x)}`);
}

function anyOf(values: unknown[], pred: (v: unknown) => boolean): boolean {
  for (const v of values) if (pred(v)) return true;
  return false;
}

/** The values a selector reaches; `undefined` stands for a missing key. */
function resolve(current: unknown, path: string[], step: number): unknown[] {
  if (step === path.length) return [current];
  if (Array.isArray(current)) {
    const out: unknown[] = [];
    for (const el of current) out.push(...resolve(el, path, step));
    return out;
  }
  if (current === null || typeof current !== 'object') return [undefined];
  const key = path[step] as string;
  const next = Object.prototype.hasOwnProperty.call(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  if (next === undefined || next === null) return [undefined];
  return resolve(next, path, step + 1);
}

function equals(v: unknown, lit: Literal): boolean {
  if (v === undefined || v === null) return lit.text === '';
  if (typeof v === 'string') return v === lit.text;
  if (typeof v === 'number') return NUMBER.test(lit.text) && Number(lit.text) === v;
  if (typeof v === 'boolean') return (lit.text === 'true' && v) || (lit.text === 'false' && !v);
  return false;
}

function contains(v: unknown, lit: Literal): boolean {
  if (typeof v === 'string') return v.includes(lit.text);
  if (Array.isArray(v)) return v.some((el) => equals(el, lit));
  if (v !== null && typeof v === 'object') return Object.prototype.hasOwnProperty.call(v, lit.text);
  return false;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function regexMatch(v: unknown, re: RegExp): boolean {
  if (v === undefined || v === null) return re.test('');
  if (typeof v === 'string') return re.test(v);
  if (typeof v === 'number' || typeof v === 'boolean') return re.test(String(v));
  return false;
}
