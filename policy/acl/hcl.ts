/**
 * A small HCL reader for ACL rules: `key = "value"` attributes and labelled
 * blocks `kind "label" { key = "value" }`, with `#`, `//` and block comments.
 * That is all Consul's rule language uses; anything else is an error naming
 * the line and column.
 */

/** One HCL item with the line it starts on. */
export type HclItem =
  | { kind: 'attribute'; key: string; value: string; line: number }
  | { kind: 'block'; key: string; labels: string[]; body: HclItem[]; line: number };

type Token = { t: 'ident' | 'string' | '=' | '{' | '}' | ',' | 'eof'; v: string; line: number; col: number };

class HclError extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (msg: string): never => {
    throw new HclError(`line ${line}, column ${i - lineStart + 1}: ${msg}`);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      for (let j = i; j < end; j++) if (src[j] === '\n') (line++, (lineStart = j + 1));
      i = end + 2;
    } else if (c === '=' || c === '{' || c === '}' || c === ',') {
      out.push({ t: c, v: c, line, col: i - lineStart + 1 });
      i++;
    } else if (c === '"') {
      const col = i - lineStart + 1;
      let v = '';
      i++;
      for (;;) {
        const d = src[i];
        if (d === undefined || d === '\n') fail('unterminated string');
        if (d === '"') break;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === 'n') v += '\n';
          else if (e === 't') v += '\t';
          else if (e === '"' || e === '\\') v += e;
          else fail(`unknown escape \\${e ?? ''}`);
          i += 2;
        } else {
          v += d;
          i++;
        }
      }
      i++;
      out.push({ t: 'string', v, line, col });
    } else if (/[A-Za-z_]/.test(c)) {
      const col = i - lineStart + 1;
      let j = i;
      while (j < src.length && /[A-Za-z0-9_\-.]/.test(src[j]!)) j++;
      out.push({ t: 'ident', v: src.slice(i, j), line, col });
      i = j;
    } else {
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  out.push({ t: 'eof', v: '', line, col: i - lineStart + 1 });
  return out;
}

/** Parses HCL text into items; throws an Error naming line and column on bad syntax. */
export function parseHcl(src: string): HclItem[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const fail = (tok: Token, msg: string): never => {
    throw new HclError(`line ${tok.line}, column ${tok.col}: ${msg}`);
  };
  const describe = (tok: Token): string => (tok.t === 'eof' ? 'end of input' : tok.t === 'string' ? `string "${tok.v}"` : `"${tok.v}"`);

  function body(closing: boolean): HclItem[] {
    const items: HclItem[] = [];
    for (;;) {
      const tok = peek();
      if (tok.t === 'eof') {
        if (closing) fail(tok, 'missing "}"');
        return items;
      }
      if (tok.t === '}') {
        if (!closing) fail(tok, 'unexpected "}"');
        p++;
        return items;
      }
      if (tok.t === ',') {
        p++;
        continue;
      }
      if (tok.t !== 'ident' && tok.t !== 'string') fail(tok, `expected a name, found ${describe(tok)}`);
      p++;
      const key = tok.v;
      const labels: string[] = [];
      while (peek().t === 'string') labels.push(toks[p++]!.v);
      const next = peek();
      if (next.t === '=' && labels.length === 0) {
        p++;
        const val = peek();
        if (val.t === '{') {
          p++;
          items.push({ kind: 'block', key, labels, body: body(true), line: tok.line });
        } else if (val.t === 'string' || val.t === 'ident') {
          p++;
          items.push({ kind: 'attribute', key, value: val.v, line: tok.line });
        } else {
          fail(val, `expected a value for "${key}", found ${describe(val)}`);
        }
      } else if (next.t === '{') {
        p++;
        items.push({ kind: 'block', key, labels, body: body(true), line: tok.line });
      } else {
        fail(next, `expected "=" or "{" after "${key}", found ${describe(next)}`);
      }
    }
  }
  try {
    return body(false);
  } catch (err) {
    if (err instanceof HclError) throw new Error(err.message);
    throw err;
  }
}
