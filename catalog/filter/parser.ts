/** Recursive-descent parser for filter expressions: `or` binds loosest, then `and`, then `not`. */
import type { FilterNode, Literal, MatchOperator, SelectorPath } from './ast.ts';
import { FilterSyntaxError, tokenize, type Token } from './lexer.ts';

const RESERVED = new Set(['and', 'or', 'not', 'in', 'contains', 'matches', 'is', 'empty']);
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_\-]*$/;

/** Parses an expression into a tree; throws FilterSyntaxError with a message naming the offending token and its offset. */
export function parseFilter(input: string): FilterNode {
  return new Parser(tokenize(input)).parseAll();
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): FilterNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw unexpected(t);
    return node;
  }

  private peek(offset = 0): Token {
    // The token list always ends with eof, so clamp to it.
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text === word;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.peek().kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== 'rparen') throw unexpected(close, 'expected ")"');
      return inner;
    }
    return this.parseMatch();
  }

  private parseMatch(): FilterNode {
    const first = this.peek();
    if (first.kind !== 'word' && first.kind !== 'string') throw unexpected(first, 'expected a selector or value');
    if (first.kind === 'word' && RESERVED.has(first.text)) throw unexpected(first, 'expected a selector or value');

    // `<value> in <selector>` and `<value> not in <selector>` put the value first.
    const after = this.peek(1);
    const negatedIn = this.isKeyword(after, 'not') && this.isKeyword(this.peek(2), 'in');
    if (this.isKeyword(after, 'in') || negatedIn) {
      const value = this.parseValue();
      this.next();
      if (negatedIn) this.next();
      const selector = this.parseSelector();
      return { kind: 'match', selector, operator: negatedIn ? 'notIn' : 'in', value };
    }

    const selector = this.parseSelector();
    const op = this.next();
    if (op.kind === 'op') {
      return { kind: 'match', selector, operator: op.text === '==' ? 'equal' : 'notEqual', value: this.parseValue() };
    }
    if (this.isKeyword(op, 'is')) {
      let operator: MatchOperator = 'isEmpty';
      if (this.isKeyword(this.peek(), 'not')) {
        this.next();
        operator = 'isNotEmpty';
      }
      const empty = this.next();
      if (!this.isKeyword(empty, 'empty')) throw unexpected(empty, 'expected "empty"');
      return { kind: 'match', selector, operator };
    }
    let negated = false;
    let verb = op;
    if (this.isKeyword(op, 'not')) {
      negated = true;
      verb = this.next();
    }
    if (this.isKeyword(verb, 'contains')) {
      return { kind: 'match', selector, operator: negated ? 'notIn' : 'in', value: this.parseValue() };
    }
    if (this.isKeyword(verb, 'matches')) {
      const valueToken = this.peek();
      const value = this.parseValue();
      let regex: RegExp;
      try {
        regex = new RegExp(value.text);
      } catch (err) {
        throw new FilterSyntaxError(
          `filter: invalid regular expression ${JSON.stringify(value.text)} at ${valueToken.pos}: ${(err as Error).message}`,
        );
      }
      return { kind: 'match', selector, operator: negated ? 'notMatches' : 'matches', value, regex };
    }
    throw unexpected(verb, 'expected an operator (==, !=, in, contains, matches, is empty)');
  }

  private parseValue(): Literal {
    const t = this.next();
    if (t.kind === 'string') return { text: t.text, quoted: true };
    if (t.kind === 'word' && !RESERVED.has(t.text)) return { text: t.text, quoted: false };
    throw unexpected(t, 'expected a value');
  }

  private parseSelector(): SelectorPath {
    const t = this.next();
    if (t.kind === 'string') {
      // A quoted selector is a JSON Pointer (RFC 6901), as newer Consul versions accept.
      if (!t.text.startsWith('/')) throw new FilterSyntaxError(`filter: invalid selector ${t.raw} at ${t.pos}: a quoted selector must be a JSON Pointer starting with "/"`);
      return t.text
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    }
    if (t.kind !== 'word' || RESERVED.has(t.text)) throw unexpected(t, 'expected a selector');
    const path = splitDotted(t.text, t);
    // Map keys that are not identifiers are written Meta["some key"], optionally followed by .more.
    while (this.peek().kind === 'lbracket') {
      this.next();
      const key = this.next();
      if (key.kind !== 'string') throw unexpected(key, 'expected a quoted map key');
      const close = this.next();
      if (close.kind !== 'rbracket') throw unexpected(close, 'expected "]"');
      path.push(key.text);
      const rest = this.peek();
      if (rest.kind === 'word' && rest.text.startsWith('.') && rest.pos === close.pos + 1) {
        this.next();
        path.push(...splitDotted(rest.text.slice(1), rest));
      }
    }
    return path;
  }
}

function splitDotted(text: string, t: Token): SelectorPath {
  const parts = text.split('.');
  for (const p of parts) {
    if (!SEGMENT.test(p)) {
      throw new FilterSyntaxError(
        `filter: invalid selector "${t.text}" at ${t.pos}: each dotted part must start with a letter and hold letters, digits, "_" or "-"`,
      );
    }
  }
  return parts;
}

function unexpected(t: Token, expected?: string): FilterSyntaxError {
  const what = t.kind === 'eof' ? 'unexpected end of expression' : `unexpected token ${JSON.stringify(t.raw)}`;
  return new FilterSyntaxError(`filter: ${what} at ${t.pos}${expected ? `, ${expected}` : ''}`);
}
