import { describe, expect, it } from 'vitest';
import { checkIntention, governingIntention, intentionPrecedence, matchIntentions, sortByPrecedence } from '../../policy/index.ts';
import { ixn, label } from './intentions-helpers.ts';

describe('intention precedence numbers (Consul table)', () => {
  const cases: [string, string, string, string, number][] = [
    // source ns, source name, destination ns, destination name, precedence
    ['default', 'web', 'default', 'api', 9],
    ['default', '*', 'default', 'api', 8],
    ['*', '*', 'default', 'api', 7],
    ['default', 'web', 'default', '*', 6],
    ['default', '*', 'default', '*', 5],
    ['*', '*', 'default', '*', 4],
    ['default', 'web', '*', '*', 3],
    ['default', '*', '*', '*', 2],
    ['*', '*', '*', '*', 1],
  ];
  for (const [sns, sn, dns, dn, want] of cases) {
    it(`${sns}/${sn} → ${dns}/${dn} = ${want}`, () => {
      expect(intentionPrecedence({ namespace: sns, name: sn }, { namespace: dns, name: dn })).toBe(want);
    });
  }
  it('an omitted namespace is "default" (exact)', () => {
    expect(intentionPrecedence({ name: 'web' }, { name: 'api' })).toBe(9);
    expect(intentionPrecedence({ name: '*' }, { name: 'api' })).toBe(8);
  });
});

describe('evaluation order', () => {
  it('sorts by precedence, then SourceNS, SourceName, DestinationNS, DestinationName', () => {
    const all = [ixn('*', '*', 'deny'), ixn('web', '*', 'allow'), ixn('zeta', 'api', 'allow'), ixn('alpha', 'api', 'deny'), ixn('*', 'api', 'allow'), ixn('alpha', 'db', 'allow')];
    expect(sortByPrecedence(all).map(label)).toEqual(['alpha→api', 'alpha→db', 'zeta→api', '*→api', 'web→*', '*→*']);
  });
  it('does not modify its input', () => {
    const all = [ixn('*', '*', 'deny'), ixn('web', 'api', 'allow')];
    sortByPrecedence(all);
    expect(all.map(label)).toEqual(['*→*', 'web→api']);
  });
});

describe('matchIntentions (as /v1/connect/intentions/match)', () => {
  const all = [
    ixn('web', 'api', 'allow'),
    ixn('*', 'api', 'deny'),
    ixn('web', '*', 'deny'),
    ixn('*', '*', 'allow'),
    ixn('db', 'api', 'allow'),
    ixn('web', 'db', 'allow'),
  ];
  it('by destination: the name and the wildcard, in evaluation order', () => {
    expect(matchIntentions(all, { by: 'destination', name: 'api' }).map(label)).toEqual(['db→api', 'web→api', '*→api', 'web→*', '*→*']);
  });
  it('by source: the name and the wildcard, in evaluation order', () => {
    expect(matchIntentions(all, { by: 'source', name: 'web' }).map(label)).toEqual(['web→api', 'web→db', '*→api', 'web→*', '*→*']);
  });
  it('a query for "*" lists only wildcard intentions', () => {
    expect(matchIntentions(all, { by: 'destination', name: '*' }).map(label)).toEqual(['web→*', '*→*']);
  });
  it('namespaces: another namespace does not match, the wildcard namespace does', () => {
    const ns = [ixn('team/web', 'team/api', 'allow'), ixn('*/*', 'team/api', 'deny'), ixn('web', 'api', 'allow')];
    expect(matchIntentions(ns, { by: 'destination', name: 'api', namespace: 'team' }).map(label)).toEqual(['team/web→team/api', '*/*→team/api']);
    expect(matchIntentions(ns, { by: 'source', name: 'web' }).map(label)).toEqual(['web→api', '*/*→team/api']);
  });
});

describe('checkIntention: every combination of exact and wildcard source and destination', () => {
  const shapes = [
    { src: 'web', dst: 'api' },
    { src: '*', dst: 'api' },
    { src: 'web', dst: '*' },
    { src: '*', dst: '*' },
  ];
  for (const defaultAllow of [false, true]) {
    for (const { src, dst } of shapes) {
      for (const action of ['allow', 'deny'] as const) {
        it(`only ${src}→${dst} ${action}, default ${defaultAllow ? 'allow' : 'deny'}`, () => {
          const all = [ixn(src, dst, action)];
          const governs = (s: string, d: string): boolean => (src === '*' || src === s) && (dst === '*' || dst === d);
          for (const [s, d] of [['web', 'api'], ['web', 'db'], ['billing', 'api'], ['billing', 'db']] as const) {
            const r = checkIntention(all, s, d, defaultAllow);
            expect(r.Allowed, `${s}→${d}`).toBe(governs(s, d) ? action === 'allow' : defaultAllow);
            expect(label(r.governing)).toBe(governs(s, d) ? `${src}→${dst}` : undefined);
          }
        });
      }
    }
  }

  it('the most specific intention wins whatever the actions, in every pairing', () => {
    // All four shapes present at once, with alternating actions; each pair is governed by its most specific one.
    for (const flip of [false, true]) {
      const a = flip ? 'deny' : 'allow';
      const b = flip ? 'allow' : 'deny';
      const all = [ixn('*', '*', a), ixn('web', '*', b), ixn('*', 'api', a), ixn('web', 'api', b)];
      expect(label(governingIntention(all, 'web', 'api'))).toBe('web→api');
      expect(label(governingIntention(all, 'billing', 'api'))).toBe('*→api');
      expect(label(governingIntention(all, 'web', 'db'))).toBe('web→*');
      expect(label(governingIntention(all, 'billing', 'db'))).toBe('*→*');
      expect(checkIntention(all, 'web', 'api', true).Allowed).toBe(b === 'allow');
      expect(checkIntention(all, 'billing', 'api', true).Allowed).toBe(a === 'allow');
      expect(checkIntention(all, 'web', 'db', false).Allowed).toBe(b === 'allow');
      expect(checkIntention(all, 'billing', 'db', false).Allowed).toBe(a === 'allow');
    }
  });

  it('a wildcard source on an exact destination beats an exact source on a wildcard destination', () => {
    const all = [ixn('web', '*', 'allow'), ixn('*', 'api', 'deny')];
    expect(checkIntention(all, 'web', 'api', true)).toMatchObject({ Allowed: false });
    expect(label(checkIntention(all, 'web', 'api', true).governing)).toBe('*→api');
  });

  it('an intention with L7 permissions counts as deny for an L4 check', () => {
    const all = [ixn('web', 'api', [{ Action: 'allow', HTTP: { PathPrefix: '/' } }]), ixn('*', 'api', 'allow')];
    expect(checkIntention(all, 'web', 'api', true)).toMatchObject({ Allowed: false });
    expect(checkIntention(all, 'billing', 'api', false)).toMatchObject({ Allowed: true });
  });

  it('no intention: the default policy decides', () => {
    expect(checkIntention([], 'web', 'api', false)).toEqual({ Allowed: false });
    expect(checkIntention([], 'web', 'api', true)).toEqual({ Allowed: true });
  });

  it('namespaces: an intention in another namespace does not apply', () => {
    const all = [ixn('team/web', 'api', 'allow'), ixn('default/*', 'api', 'deny')];
    expect(checkIntention(all, { name: 'web', namespace: 'team' }, 'api', false).Allowed).toBe(true);
    expect(checkIntention(all, 'web', 'api', true).Allowed).toBe(false);
    expect(checkIntention(all, { name: 'web', namespace: 'other' }, 'api', false).Allowed).toBe(false);
  });
});
