/**
 * Translates an RE2 pattern (what PGV's `pattern` rules are written in) into
 * an equivalent JavaScript RegExp. The differences handled:
 * - `.` excludes only `\n` in RE2 (JS also excludes `\r`, U+2028, U+2029);
 * - `\s` is `[\t\n\f\r ]` in RE2 (JS adds `\v` and Unicode spaces);
 * - `\A`, `\z`, `\Q...\E`, `(?P<name>...)`, POSIX classes `[[:alpha:]]`,
 *   `\pL` and `\p{Greek}` have no JS spelling and are rewritten;
 * - RE2 lets any punctuation be escaped and a `{` that starts no repetition be
 *   literal, which the JS `u` flag refuses, so those become plain literals;
 * - leading `(?i)`, `(?s)`, `(?m)` become RegExp flags.
 * Constructs that RE2 itself refuses (look-around, back-references) or that
 * have no safe JS equivalent (`(?U)`, `\C`, scoped flag groups, negated POSIX
 * classes) throw, so a pattern is never silently given another meaning.
 */

const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const RE2_SPACE = '\\t\\n\\f\\r ';

/** Thrown when a pattern uses something that cannot be carried over exactly. */
export class UnsupportedPatternError extends Error {}

function escapeLiteral(c: string, inClass: boolean): string {
  if (JS_SYNTAX.has(c) || (inClass && c === '-')) return '\\' + c;
  return c;
}

function unicodeClass(name: string, negated: boolean): string {
  if (name === 'Any') return negated ? '[^\\s\\S]' : '[\\s\\S]';
  // One- and two-letter names are general categories; longer ones are scripts.
  const body = name.length <= 2 ? name : `Script=${name}`;
  return `\\${negated ? 'P' : 'p'}{${body}}`;
}

/** Reads one backslash escape starting at `i` (the backslash); returns its JS text and the next index. */
function translateEscape(src: string, i: number, inClass: boolean): [string, number] {
  const c = src[i + 1];
  if (c === undefined) throw new UnsupportedPatternError('trailing backslash');
  switch (c) {
    case 'd': case 'D': case 'w': case 'W':
      return ['\\' + c, i + 2];
    case 'b': case 'B':
      if (inClass) throw new UnsupportedPatternError(`\\${c} inside a character class`);
      return ['\\' + c, i + 2];
    case 's':
      return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, i + 2];
    case 'S':
      if (inClass) throw new UnsupportedPatternError('\\S inside a character class');
      return [`[^${RE2_SPACE}]`, i + 2];
    case 'A':
      if (inClass) throw new UnsupportedPatternError('\\A inside a character class');
      return ['(?<![\\s\\S])', i + 2];
    case 'z':
      if (inClass) throw new UnsupportedPatternError('\\z inside a character class');
      return ['(?![\\s\\S])', i + 2];
    case 'n': case 't': case 'r': case 'f': case 'v':
      return ['\\' + c, i + 2];
    case 'a':
      return ['\\x07', i + 2];
    case 'x': {
      const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(src.slice(i + 2));
      if (braced?.[1]) return [`\\u{${braced[1]}}`, i + 2 + braced[0].length];
      const two = /^[0-9A-Fa-f]{2}/.exec(src.slice(i + 2));
      if (two) return [`\\x${two[0]}`, i + 4];
      throw new UnsupportedPatternError('malformed \\x escape');
    }
    case 'p': case 'P': {
      const negated = c === 'P';
      if (src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        if (end < 0) throw new UnsupportedPatternError('unterminated \\p{');
        let name = src.slice(i + 3, end);
        let neg = negated;
        if (name.startsWith('^')) { name = name.slice(1); neg = !neg; }
        if (inClass && name === 'Any') throw new UnsupportedPatternError('\\p{Any} inside a character class');
        return [unicodeClass(name, neg), end + 1];
      }
      const one = src[i + 2];
      if (one === undefined) throw new UnsupportedPatternError('malformed \\p escape');
      return [unicodeClass(one, negated), i + 3];
    }
    default:
      if (/[0-9]/.test(c)) throw new UnsupportedPatternError('back-references and octal escapes are not RE2');
      if (/[A-Za-z]/.test(c)) throw new UnsupportedPatternError(`unknown escape \\${c}`);
      // RE2 allows escaping any punctuation; JS's `u` mode only a few.
      return [escapeLiteral(c, inClass), i + 2];
  }
}

function translateClass(src: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (src[i] === '^') { out += '^'; i++; }
  // A ']' first in a class is a literal in RE2.
  if (src[i] === ']') { out += '\\]'; i++; }
  while (i < src.length) {
    const c = src[i]!;
    if (c === ']') return [out + ']', i + 1];
    if (c === '[' && src[i + 1] === ':') {
      const end = src.indexOf(':]', i + 2);
      if (end < 0) { out += '\\['; i++; continue; }
      const name = src.slice(i + 2, end);
      if (name.startsWith('^')) throw new UnsupportedPatternError(`negated POSIX class [:${name}:]`);
      const body = POSIX[name];
      if (body === undefined) throw new UnsupportedPatternError(`unknown POSIX class [:${name}:]`);
      out += body;
      i = end + 2;
      continue;
    }
    if (c === '\\') {
      const [text, next] = translateEscape(src, i, true);
      out += text;
      i = next;
      continue;
    }
    if (c === '[') { out += '\\['; i++; continue; }
    out += c;
    i++;
  }
  throw new UnsupportedPatternError('unterminated character class');
}

/** RE2 source → JS source and flags. Throws UnsupportedPatternError for what cannot be carried over exactly. */
export function translateRe2(src: string): { source: string; flags: string } {
  let flags = 'u';
  let i = 0;
  let dotAll = false;
  // Leading flag groups such as `(?i)` or `(?is)` apply to the whole pattern.
  for (let m = /^\(\?([imsU]+)\)/.exec(src); m?.[1]; m = /^\(\?([imsU]+)\)/.exec(src.slice(i))) {
    for (const f of m[1]) {
      if (f === 'U') throw new UnsupportedPatternError('(?U) ungreedy mode');
      if (f === 's') dotAll = true;
      if (!flags.includes(f)) flags += f;
    }
    i += m[0].length;
  }
  let out = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        for (const ch of lit) out += escapeLiteral(ch, false);
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      const [text, next] = translateEscape(src, i, false);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = translateClass(src, i);
      out += text;
      i = next;
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '(') {
      if (src.startsWith('(?P<', i)) { out += '(?<'; i += 4; }
      else if (src.startsWith('(?:', i)) { out += '(?:'; i += 3; }
      else if (src.startsWith('(?<', i) && !src.startsWith('(?<=', i) && !src.startsWith('(?<!', i)) { out += '(?<'; i += 3; }
      else if (src[i + 1] === '?') throw new UnsupportedPatternError('look-around or scoped flags are not supported');
      else { out += '('; i++; }
    } else if (c === '{') {
      const rep = /^\{\d+(?:,\d*)?\}/.exec(src.slice(i));
      if (rep) { out += rep[0]; i += rep[0].length; }
      else { out += '\\{'; i++; }
    } else if (c === '}' || c === ']') {
      out += '\\' + c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, flags };
}

const compiled = new Map<string, RegExp>();

/** A JS RegExp that accepts exactly what the RE2 pattern accepts (searching, unanchored unless the pattern anchors). Cached. */
export function re2ToRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    const { source, flags } = translateRe2(pattern);
    re = new RegExp(source, flags);
    compiled.set(pattern, re);
  }
  return re;
}
