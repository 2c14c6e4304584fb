/** Tokenizer for filter expressions: words, quoted strings, operators and brackets, each with its offset. */

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The token's value: for strings the unquoted, unescaped text. */
  text: string;
  /** The token as written (quotes included), for error messages. */
  raw: string;
  /** 0-based character offset in the expression. */
  pos: number;
}

export class FilterSyntaxError extends Error {}

// Bare words cover selectors (Service.Meta.version), keywords and unquoted values
// (passing, 8080, -1.5, web-1, 10.0.0.1, a/b:c), so they accept a generous set of characters.
const WORD_CHAR = /[A-Za-z0-9_.\-:/+@]/;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };

/** Splits an expression into tokens; throws FilterSyntaxError naming the offset of a bad character or unterminated string. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === '[' || c === ']') {
      const kind: TokenKind = c === '(' ? 'lparen' : c === ')' ? 'rparen' : c === '[' ? 'lbracket' : 'rbracket';
      tokens.push({ kind, text: c, raw: c, pos: start });
      i++;
      continue;
    }
    if ((c === '=' || c === '!') && input[i + 1] === '=') {
      tokens.push({ kind: 'op', text: c + '=', raw: c + '=', pos: start });
      i += 2;
      continue;
    }
    if (c === '`') {
      // Backtick strings are raw: no escape processing, as in Go.
      const end = input.indexOf('`', i + 1);
      if (end < 0) throw new FilterSyntaxError(`filter: unterminated string starting at ${start}`);
      tokens.push({ kind: 'string', text: input.slice(i + 1, end), raw: input.slice(start, end + 1), pos: start });
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let text = '';
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i] as string;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\') {
          const e = input[i + 1];
          if (e === undefined) break;
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(input.slice(i + 2, i + 6))) {
            text += String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const mapped = ESCAPES[e];
          if (mapped === undefined) throw new FilterSyntaxError(`filter: invalid escape "\\${e}" at ${i}`);
          text += mapped;
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      if (!closed) throw new FilterSyntaxError(`filter: unterminated string starting at ${start}`);
      tokens.push({ kind: 'string', text, raw: input.slice(start, i), pos: start });
      continue;
    }
    if (WORD_CHAR.test(c)) {
      while (i < input.length && WORD_CHAR.test(input[i] as string)) i++;
      const text = input.slice(start, i);
      tokens.push({ kind: 'word', text, raw: text, pos: start });
      continue;
    }
    throw new FilterSyntaxError(`filter: unexpected character ${JSON.stringify(c)} at ${start}`);
  }
  tokens.push({ kind: 'eof', text: '', raw: '', pos: input.length });
  return tokens;
}
