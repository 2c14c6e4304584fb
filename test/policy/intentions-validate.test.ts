import { describe, expect, it } from 'vitest';
import { validateLegacyIntention, validateServiceIntentions } from '../../policy/index.ts';

const entry = (sources: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Kind: 'service-intentions',
  Name: 'api',
  Sources: sources,
  ...extra,
});
const l7 = (http: unknown, action = 'allow'): Record<string, unknown> => ({ Name: 'web', Permissions: [{ Action: action, HTTP: http }] });

describe('validateServiceIntentions: errors name the field', () => {
  const cases: [string, unknown, string, { protocol?: string; legacy?: boolean }?][] = [
    ['not an object', 'x', 'service-intentions entry: must be a JSON object'],
    ['missing Name', { Kind: 'service-intentions', Sources: [{ Name: 'web', Action: 'allow' }] }, 'Name: is required'],
    ['wrong Kind', entry([{ Name: 'web', Action: 'allow' }], { Kind: 'service-defaults' }), 'Kind: must be "service-intentions"'],
    ['unknown field', entry([{ Name: 'web', Action: 'allow' }], { Bogus: 1 }), 'Bogus: unknown field'],
    ['no sources', entry([]), 'Sources: at least one source is required'],
    ['partial wildcard destination', entry([{ Name: 'web', Action: 'allow' }], { Name: 'api*' }), 'Name: the wildcard "*" may only be used as the whole value'],
    ['exact name in wildcard namespace', entry([{ Name: 'web', Action: 'allow' }], { Namespace: '*' }), 'Name: an exact name cannot follow a wildcard namespace'],
    ['source Name missing', entry([{ Action: 'allow' }]), 'Sources[0].Name: is required'],
    ['source partial wildcard', entry([{ Name: 'we*', Action: 'allow' }]), 'Sources[0].Name: the wildcard "*" may only be used as the whole value'],
    ['source exact after wildcard namespace', entry([{ Name: 'web', Namespace: '*', Action: 'allow' }]), 'Sources[0].Name: an exact name cannot follow a wildcard namespace'],
    ['source partial wildcard namespace', entry([{ Name: '*', Namespace: 'te*', Action: 'allow' }]), 'Sources[0].Namespace: the wildcard "*" may only be used as the whole value'],
    ['Action missing', entry([{ Name: 'web' }]), 'Sources[0].Action: must be "allow" or "deny"'],
    ['Action invalid', entry([{ Name: 'web', Action: 'permit' }]), 'Sources[0].Action: must be "allow" or "deny"'],
    ['Action and Permissions', entry([{ Name: 'web', Action: 'allow', Permissions: [{ Action: 'allow', HTTP: { PathExact: '/' } }] }]), 'Sources[0].Action: must be omitted when Permissions are given'],
    ['duplicate source', entry([{ Name: 'web', Action: 'allow' }, { Name: 'db', Action: 'allow' }, { Name: 'web', Action: 'deny' }]), 'Sources[2]: source "default/web" is already defined by Sources[0]'],
    ['Type', entry([{ Name: 'web', Action: 'allow', Type: 'external' }]), 'Sources[0].Type: must be "consul"'],
    ['Description too long', entry([{ Name: 'web', Action: 'allow', Description: 'x'.repeat(513) }]), 'Sources[0].Description: longer than 512 characters'],
    ['LegacyMeta on an ordinary write', entry([{ Name: 'web', Action: 'allow', LegacyMeta: { a: 'b' } }]), 'Sources[0].LegacyMeta: must be omitted (it belongs to intentions written through /v1/connect/intentions)'],
    ['legacy write needs LegacyID', entry([{ Name: 'web', Action: 'allow', LegacyCreateTime: 't', LegacyUpdateTime: 't' }]), 'Sources[0].LegacyID: must be set for a legacy intention write', { legacy: true }],
    ['Meta value type', entry([{ Name: 'web', Action: 'allow' }], { Meta: { a: 1 } }), 'Meta["a"]: value must be a string'],
    ['Meta too many keys', entry([{ Name: 'web', Action: 'allow' }], { Meta: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }), 'Meta: at most 64 keys are allowed (found 65)'],
    ['Partition', entry([{ Name: 'web', Action: 'allow', Partition: 'eu' }]), 'Sources[0].Partition: admin partitions are not supported (only "default")'],
    ['unknown source field', entry([{ Name: 'web', Action: 'allow', Peer: 'other' }]), 'Sources[0].Peer: unknown field'],
    // L7 permissions
    ['permissions on a wildcard destination', entry([l7({ PathExact: '/' })], { Name: '*' }), 'Sources[0].Permissions: cannot be used on an intention whose destination is a wildcard'],
    ['permissions on a TCP destination', entry([l7({ PathExact: '/' })]), 'Sources[0].Permissions: L7 permissions need an HTTP-based protocol (http, http2 or grpc); destination "api" has protocol "tcp"', { protocol: 'tcp' }],
    ['permission Action', entry([l7({ PathExact: '/' }, 'maybe')]), 'Sources[0].Permissions[0].Action: must be "allow" or "deny"'],
    ['permission HTTP missing', entry([{ Name: 'web', Permissions: [{ Action: 'allow' }] }]), 'Sources[0].Permissions[0].HTTP: is required'],
    ['HTTP empty', entry([l7({})]), 'Sources[0].Permissions[0].HTTP: must set at least one of PathExact, PathPrefix, PathRegex, Header or Methods'],
    ['PathPrefix without slash', entry([{ Name: 'db', Action: 'allow' }, l7({ PathPrefix: 'v1' })]), 'Sources[1].Permissions[0].HTTP.PathPrefix: must begin with "/" (got "v1")'],
    ['PathExact without slash', entry([l7({ PathExact: 'v1' })]), 'Sources[0].Permissions[0].HTTP.PathExact: must begin with "/" (got "v1")'],
    ['two path matchers', entry([l7({ PathExact: '/a', PathPrefix: '/b' })]), 'Sources[0].Permissions[0].HTTP: at most one of PathExact, PathPrefix or PathRegex may be set'],
    ['PathRegex does not compile', entry([l7({ PathRegex: '/v[1' })]), 'Sources[0].Permissions[0].HTTP.PathRegex: not a valid RE2 regular expression'],
    ['PathRegex uses look-ahead (not RE2)', entry([l7({ PathRegex: '/(?!admin).*' })]), 'Sources[0].Permissions[0].HTTP.PathRegex: not a valid RE2 regular expression'],
    ['invalid method', entry([l7({ Methods: ['GET', 'FETCH'] })]), 'Sources[0].Permissions[0].HTTP.Methods[1]: invalid HTTP method "FETCH"'],
    ['duplicate method', entry([l7({ Methods: ['GET', 'get'] })]), 'Sources[0].Permissions[0].HTTP.Methods[1]: "GET" is listed more than once'],
    ['header without Name', entry([l7({ Header: [{ Exact: 'x' }] })]), 'Sources[0].Permissions[0].HTTP.Header[0].Name: is required'],
    ['header with two matchers', entry([l7({ Header: [{ Name: 'x-a', Exact: 'x', Prefix: 'y' }] })]), 'Sources[0].Permissions[0].HTTP.Header[0]: exactly one of Present, Exact, Prefix, Suffix or Regex must be set (found 2)'],
    ['header with no matcher', entry([l7({ Header: [{ Name: 'x-a', Invert: true }] })]), 'Sources[0].Permissions[0].HTTP.Header[0]: exactly one of Present, Exact, Prefix, Suffix or Regex must be set (found 0)'],
    ['header regex does not compile', entry([l7({ Header: [{ Name: 'x-a', Regex: '(' }] })]), 'Sources[0].Permissions[0].HTTP.Header[0].Regex: not a valid RE2 regular expression'],
    ['header unknown field', entry([l7({ Header: [{ Name: 'x-a', Exact: 'b', Contains: 'c' }] })]), 'Sources[0].Permissions[0].HTTP.Header[0].Contains: unknown field'],
  ];
  for (const [name, input, want, opts] of cases) {
    it(name, () => {
      const r = validateServiceIntentions(input, opts);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors.some((e) => e.startsWith(want)), `${JSON.stringify(r.errors)} should contain ${want}`).toBe(true);
    });
  }

  it('reports every error, not only the first', () => {
    const r = validateServiceIntentions(entry([{ Action: 'x' }, l7({ PathPrefix: 'a', Methods: ['NOPE'] })]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.length).toBeGreaterThanOrEqual(4);
  });
});

describe('validateServiceIntentions: valid entries are normalised', () => {
  it('computes Precedence, defaults Type, sorts Sources by precedence (stable), upper-cases methods', () => {
    const r = validateServiceIntentions(
      entry([
        { Name: '*', Action: 'deny', Precedence: 99 },
        { Name: 'web', Action: 'allow' },
        { Name: 'admin', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/admin', Methods: ['get', 'Post'] } }] },
      ]),
      { protocol: 'http' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.Sources.map((s) => [s.Name, s.Precedence, s.Type])).toEqual([
      ['web', 9, 'consul'],
      ['admin', 9, 'consul'],
      ['*', 8, 'consul'],
    ]);
    expect(r.value.Sources[1]?.Permissions?.[0]?.HTTP.Methods).toEqual(['GET', 'POST']);
    expect(r.value.Kind).toBe('service-intentions');
  });

  it('wildcard destination: precedence of each source', () => {
    const r = validateServiceIntentions({ Name: '*', Sources: [{ Name: '*', Action: 'deny' }, { Name: 'web', Action: 'allow' }] });
    expect(r.ok && r.value.Sources.map((s) => s.Precedence)).toEqual([6, 5]);
  });

  it('drops LegacyID and legacy timestamps on an ordinary write, keeps them on a legacy write', () => {
    const src = { Name: 'web', Action: 'allow', LegacyID: 'abc', LegacyCreateTime: '2020-01-01T00:00:00Z', LegacyUpdateTime: '2020-01-01T00:00:00Z' };
    const plain = validateServiceIntentions(entry([src]));
    expect(plain.ok && plain.value.Sources[0]?.LegacyID).toBe(undefined);
    const legacy = validateServiceIntentions(entry([src]), { legacy: true });
    expect(legacy.ok && legacy.value.Sources[0]?.LegacyID).toBe('abc');
  });

  it('permissions are allowed for http, http2 and grpc destinations and when the protocol is not given', () => {
    for (const protocol of ['http', 'http2', 'grpc', undefined]) {
      expect(validateServiceIntentions(entry([l7({ PathRegex: '/v[0-9]+/.*', Header: [{ Name: 'x-env', Present: true, Invert: true }] })]), { protocol }).ok).toBe(true);
    }
  });

  it('same source name in different namespaces is not a duplicate', () => {
    expect(validateServiceIntentions(entry([{ Name: 'web', Action: 'allow' }, { Name: 'web', Namespace: 'team', Action: 'deny' }])).ok).toBe(true);
  });
});

describe('validateLegacyIntention', () => {
  it('accepts a legacy intention and computes its precedence', () => {
    const r = validateLegacyIntention({ SourceName: '*', DestinationName: 'api', Action: 'allow', Meta: { owner: 'x' } });
    expect(r.ok && [r.value.Precedence, r.value.SourceNS, r.value.DestinationNS]).toEqual([8, 'default', 'default']);
  });
  const cases: [string, unknown, string][] = [
    ['SourceName missing', { DestinationName: 'api', Action: 'allow' }, 'SourceName: is required'],
    ['DestinationName missing', { SourceName: 'web', Action: 'allow' }, 'DestinationName: is required'],
    ['partial wildcard', { SourceName: 'w*', DestinationName: 'api', Action: 'allow' }, 'SourceName: the wildcard "*" may only be used as the whole value'],
    ['bad action', { SourceName: 'web', DestinationName: 'api', Action: 'nope' }, 'Action: must be "allow" or "deny"'],
    ['bad permission', { SourceName: 'web', DestinationName: 'api', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: 'x' } }] }, 'Permissions[0].HTTP.PathPrefix: must begin with "/"'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      const r = validateLegacyIntention(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.some((e) => e.startsWith(want)), JSON.stringify(r.errors)).toBe(true);
    });
  }
});
