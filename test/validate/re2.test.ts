/** RE2 → JS RegExp translation: the places where the two syntaxes mean different things. */
import { describe, expect, it } from 'vitest';
import { re2ToRegExp, translateRe2, UnsupportedPatternError } from '../../xds/validate/index.ts';

const matches = (p: string, s: string): boolean => re2ToRegExp(p).test(s);

describe('translateRe2', () => {
  it('. excludes only \\n, as in RE2 (JS would also exclude \\r and U+2028)', () => {
    expect(matches('^a.b$', 'a\rb')).toBe(true);
    expect(matches('^a.b$', 'a\u2028b')).toBe(true);
    expect(matches('^a.b$', 'a\nb')).toBe(false);
    expect(matches('(?s)^a.b$', 'a\nb')).toBe(true);
  });

  it('\\s is ASCII whitespace only, without \\v', () => {
    expect(matches('^\\s$', '\u00a0')).toBe(false);
    expect(matches('^\\s$', '\v')).toBe(false);
    expect(matches('^[\\s]$', '\t')).toBe(true);
  });

  it('\\A, \\z, \\Q..\\E, (?P<name>), POSIX classes, \\pL, escaped punctuation, literal braces', () => {
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('\\Aab\\z', 'ab\n')).toBe(false);
    expect(matches('^\\Qa.b*\\E$', 'a.b*')).toBe(true);
    expect(matches('^\\Qa.b*\\E$', 'axbb')).toBe(false);
    expect(re2ToRegExp('(?P<x>a+)').exec('aa')?.groups?.x).toBe('aa');
    expect(matches('^[[:alpha:]_]+$', 'ab_C')).toBe(true);
    expect(matches('^[[:alpha:]]+$', 'a1')).toBe(false);
    expect(matches('^\\pL+$', 'héllo')).toBe(true);
    expect(matches('^[0-9a-zA-Z_\\-\\.~:]+$', 'a-b.c~d:e')).toBe(true);
    expect(matches('^a\\:b$', 'a:b')).toBe(true);
    expect(matches('^a{x}$', 'a{x}')).toBe(true);
    expect(matches('^a{2}$', 'aa')).toBe(true);
  });

  it('case-insensitive flag group at the start becomes the i flag', () => {
    expect(translateRe2('(?i)abc').flags).toContain('i');
    expect(matches('(?i)^abc$', 'ABC')).toBe(true);
  });

  it('refuses what RE2 does not have or what cannot be carried over exactly', () => {
    for (const p of ['a(?=b)', '(a)\\1', '(?U)a+', 'a(?i:b)', '[[:^alpha:]]', '\\C']) {
      expect(() => translateRe2(p), p).toThrow(UnsupportedPatternError);
    }
  });
});
