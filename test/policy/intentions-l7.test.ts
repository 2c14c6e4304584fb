import { describe, expect, it } from 'vitest';
import { evaluateL7, type IntentionPermission } from '../../policy/index.ts';
import { ixn, label } from './intentions-helpers.ts';

const req = (path: string, method = 'GET', headers: Record<string, string | string[]> = {}) => ({ path, method, headers });

describe('evaluateL7', () => {
  const perms: IntentionPermission[] = [
    { Action: 'deny', HTTP: { PathExact: '/admin/secret' } },
    { Action: 'allow', HTTP: { PathPrefix: '/admin', Methods: ['GET', 'HEAD'] } },
    { Action: 'deny', HTTP: { PathPrefix: '/admin' } },
    { Action: 'allow', HTTP: { PathRegex: '/v[0-9]+/items/[a-z]+' } },
  ];
  const all = [ixn('web', 'api', perms), ixn('*', 'api', 'allow'), ixn('db', 'api', 'deny')];

  const cases: [string, ReturnType<typeof req>, boolean, boolean, number | undefined][] = [
    // name, request, defaultAllow, expected, deciding permission
    ['first match wins: exact deny before a wider allow', req('/admin/secret'), true, false, 0],
    ['method condition holds', req('/admin/users', 'HEAD'), false, true, 1],
    ['method condition fails, next permission denies', req('/admin/users', 'POST'), true, false, 2],
    ['regex is a full match', req('/v2/items/abc'), false, true, 3],
    ['regex does not match a longer path', req('/v2/items/abc/def'), false, false, undefined],
    ['query string is ignored for path matching', req('/v2/items/abc?x=1'), false, true, 3],
    ['no permission matches: default deny applies (not the wildcard allow)', req('/other'), false, false, undefined],
    ['no permission matches: default allow applies', req('/other'), true, true, undefined],
  ];
  for (const [name, r, defaultAllow, want, idx] of cases) {
    it(name, () => {
      const d = evaluateL7(all, 'web', 'api', r, defaultAllow);
      expect(d.Allowed).toBe(want);
      expect(d.permissionIndex).toBe(idx);
      expect(label(d.governing)).toBe('web→api');
    });
  }

  it('L4 intentions decide by their action whatever the request', () => {
    expect(evaluateL7(all, 'billing', 'api', req('/admin/secret'), false).Allowed).toBe(true);
    expect(evaluateL7(all, 'db', 'api', req('/'), true).Allowed).toBe(false);
    expect(evaluateL7(all, 'billing', 'db', req('/'), true)).toEqual({ Allowed: true });
  });

  describe('header conditions', () => {
    const h = (hdr: object, inv = false): ReturnType<typeof ixn>[] => [
      ixn('web', 'api', [{ Action: 'allow', HTTP: { Header: [{ Name: 'X-Env', ...hdr, ...(inv ? { Invert: true } : {}) }] } }]),
    ];
    const cases: [string, object, boolean, Record<string, string | string[]>, boolean][] = [
      ['Present, present', { Present: true }, false, { 'x-env': '' }, true],
      ['Present, absent', { Present: true }, false, {}, false],
      ['Present inverted, absent', { Present: true }, true, {}, true],
      ['Exact, name in another case', { Exact: 'prod' }, false, { 'X-ENV': 'prod' }, true],
      ['Exact, value case differs', { Exact: 'prod' }, false, { 'x-env': 'Prod' }, false],
      ['Exact inverted, absent header matches', { Exact: 'prod' }, true, {}, true],
      ['Exact inverted, equal value', { Exact: 'prod' }, true, { 'x-env': 'prod' }, false],
      ['Prefix', { Prefix: 'pr' }, false, { 'x-env': 'prod' }, true],
      ['Suffix', { Suffix: 'od' }, false, { 'x-env': 'prod' }, true],
      ['Regex full match', { Regex: 'p.*d' }, false, { 'x-env': 'prod' }, true],
      ['Regex partial is no match', { Regex: 'ro' }, false, { 'x-env': 'prod' }, false],
      ['repeated header joined by ","', { Exact: 'a,b' }, false, { 'x-env': ['a', 'b'] }, true],
    ];
    for (const [name, hdr, inv, headers, want] of cases) {
      it(name, () => expect(evaluateL7(h(hdr, inv), 'web', 'api', req('/', 'GET', headers), false).Allowed).toBe(want));
    }
  });
});
