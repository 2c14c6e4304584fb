import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../catalog/filter/index.ts';

/** A health/service-shaped row, the kind of object the API filters. */
function makeRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Node: { Node: 'node-a', Address: '10.0.0.1', Meta: { env: 'prod', 'rack id': 'r1' } },
    Service: {
      ID: 'web-1',
      Service: 'web',
      Tags: ['primary', 'v2'],
      Port: 8080,
      Weight: 1.5,
      EnableTagOverride: false,
      Meta: { version: '2', 'team.name': 'edge' },
      Proxy: { Upstreams: [{ DestinationName: 'db', LocalBindPort: 9191 }] },
    },
    ServiceTags: ['primary', 'v2'],
    ServiceAddress: '',
    Checks: [
      { CheckID: 'serfHealth', Status: 'passing', Notes: '' },
      { CheckID: 'service:web-1', Status: 'warning', Notes: 'slow' },
    ],
    ...overrides,
  };
}

function matches(expr: string, row: unknown = makeRow()): boolean {
  const compiled = compileFilter(expr);
  if (!compiled.ok) throw new Error(`expected ${expr} to compile: ${compiled.errors.join('; ')}`);
  return compiled.value.matches(row);
}

function compileError(expr: string): string {
  const compiled = compileFilter(expr);
  if (compiled.ok) throw new Error(`expected ${expr} to fail`);
  expect(compiled.errors).toHaveLength(1);
  return compiled.errors[0] as string;
}

describe('compileFilter: operators', () => {
  const cases: Array<[string, boolean]> = [
    // == and != on strings, bare words and both quote styles
    ['Service.Service == web', true],
    ['Service.Service == "web"', true],
    ['Service.Service == `web`', true],
    ['Service.Service == api', false],
    ['Service.Service != api', true],
    ['Service.Service != web', false],
    ['Service.ID == web-1', true],
    ['Node.Address == 10.0.0.1', true],
    // numbers and booleans compare against the field's type
    ['Service.Port == 8080', true],
    ['Service.Port == "8080"', true],
    ['Service.Port == 8081', false],
    ['Service.Port != 8081', true],
    ['Service.Port == 8080.0', true],
    ['Service.Port == eighty', false],
    ['Service.Weight == 1.5', true],
    ['Service.EnableTagOverride == false', true],
    ['Service.EnableTagOverride == true', false],
    ['Service.EnableTagOverride != true', true],
    // in / not in / contains / not contains on arrays
    ['primary in ServiceTags', true],
    ['"primary" in ServiceTags', true],
    ['canary in ServiceTags', false],
    ['canary not in ServiceTags', true],
    ['primary not in ServiceTags', false],
    ['ServiceTags contains v2', true],
    ['ServiceTags contains v3', false],
    ['ServiceTags not contains v3', true],
    ['ServiceTags not contains v2', false],
    ['Service.Tags contains primary', true],
    // in / contains on strings is substring, on maps is key presence
    ['eb in Service.Service', true],
    ['Service.Service contains "we"', true],
    ['Service.Service contains zz', false],
    ['version in Service.Meta', true],
    ['Service.Meta contains missing', false],
    ['Service.Meta not contains missing', true],
    // matches / not matches
    ['Service.Service matches "^w.b$"', true],
    ['Service.Service matches "^api"', false],
    ['Service.Service not matches "^api"', true],
    ['Service.ID matches `^web-\\d+$`', true],
    ['Service.Port matches "^80"', true],
    // is empty / is not empty
    ['ServiceAddress is empty', true],
    ['ServiceAddress is not empty', false],
    ['ServiceTags is not empty', true],
    ['Service.Meta is not empty', true],
    ['Service.Port is empty', false],
  ];
  it.each(cases)('%s → %s', (expr, expected) => {
    expect(matches(expr)).toBe(expected);
  });
});

describe('compileFilter: maps, nested objects and arrays of objects', () => {
  const cases: Array<[string, boolean]> = [
    ['Service.Meta.version == 2', true],
    ['Service.Meta.version == "2"', true],
    ['Service.Meta.version == 3', false],
    ['Node.Meta.env == prod', true],
    ['Node.Meta["rack id"] == r1', true],
    ['Service.Meta["team.name"] == edge', true],
    ['Service.Proxy.Upstreams.DestinationName == db', true],
    ['Service.Proxy.Upstreams.LocalBindPort == 9191', true],
    ['"/Service/Meta/version" == 2', true],
    // a selector through an array of objects: positive operators mean "any element"
    ['Checks.Status == warning', true],
    ['Checks.Status == passing', true],
    ['Checks.Status == critical', false],
    ['Checks.Status != critical', true],
    // ...and negated operators mean "no element"
    ['Checks.Status != passing', false],
    ['Checks.Notes is empty', true],
    ['Checks.CheckID matches "^service:"', true],
    ['Checks.CheckID contains serf', true],
    // missing keys read as the empty string
    ['Service.Meta.missing == ""', true],
    ['Service.Meta.missing is empty', true],
    ['Service.Meta.missing == x', false],
    ['Service.Meta.missing != x', true],
    ['x in Service.Meta.missing', false],
    ['Service.Meta.missing matches "^$"', true],
    ['Nope.Deeper.Still == ""', true],
  ];
  it.each(cases)('%s → %s', (expr, expected) => {
    expect(matches(expr)).toBe(expected);
  });

  it('an empty array of objects has no element to match', () => {
    const row = makeRow({ Checks: [] });
    expect(matches('Checks.Status == passing', row)).toBe(false);
    expect(matches('Checks.Status != passing', row)).toBe(true);
    expect(matches('Checks is empty', row)).toBe(true);
    expect(matches('Checks.Status is empty', row)).toBe(true);
  });

  it('null reads like a missing key', () => {
    const row = makeRow({ ServiceTags: null });
    expect(matches('ServiceTags is empty', row)).toBe(true);
    expect(matches('primary in ServiceTags', row)).toBe(false);
  });
});

describe('compileFilter: boolean logic and precedence', () => {
  const cases: Array<[string, boolean]> = [
    ['Service.Service == web and Service.Port == 8080', true],
    ['Service.Service == web and Service.Port == 1', false],
    ['Service.Service == api or Service.Port == 8080', true],
    ['Service.Service == api or Service.Port == 1', false],
    ['not Service.Service == api', true],
    ['not not Service.Service == api', false],
    // and binds tighter than or: true or (false and false)
    ['Service.Port == 8080 or Service.Service == api and Service.Port == 1', true],
    // (true or false) and false
    ['(Service.Port == 8080 or Service.Service == api) and Service.Port == 1', false],
    // not binds tighter than and: (not false) and true
    ['not Service.Service == api and Service.Port == 8080', true],
    // not binds tighter than or: (not true) or false
    ['not Service.Port == 8080 or Service.Service == api', false],
    ['not (Service.Port == 8080 and Service.Service == api)', true],
    ['((primary in ServiceTags))', true],
    ['  Service.Service==web  and(Service.Port==8080)', true],
  ];
  it.each(cases)('%s → %s', (expr, expected) => {
    expect(matches(expr)).toBe(expected);
  });

  it('a blank expression matches everything', () => {
    expect(matches('   ')).toBe(true);
  });

  it('one compiled filter selects rows from a list', () => {
    const compiled = compileFilter('Service.Meta.version == 2 and primary in ServiceTags');
    if (!compiled.ok) throw new Error(compiled.errors.join());
    const rows = [
      makeRow(),
      makeRow({ ServiceTags: ['secondary'] }),
      makeRow({ Service: { Meta: { version: '1' } } }),
    ];
    expect(rows.filter((r) => compiled.value.matches(r))).toEqual([rows[0]]);
  });
});

describe('compileFilter: quoting', () => {
  it('double-quoted strings process escapes, backtick strings are raw', () => {
    const row = { Name: 'a "b"\tc', Path: 'x\\n' };
    expect(matches('Name == "a \\"b\\"\\tc"', row)).toBe(true);
    expect(matches('Path == `x\\n`', row)).toBe(true);
    expect(matches('Path == "x\\n"', row)).toBe(false);
  });

  it('quoted strings keep spaces and keywords', () => {
    const row = { Name: 'and or not' };
    expect(matches('Name == "and or not"', row)).toBe(true);
    expect(matches('"or" in Name', row)).toBe(true);
  });
});

describe('compileFilter: errors name the token and its offset', () => {
  const cases: Array<[string, string]> = [
    ['Service.Port == == 1', 'filter: unexpected token "==" at 16, expected a value'],
    ['Service.Port 8080', 'filter: unexpected token "8080" at 13, expected an operator (==, !=, in, contains, matches, is empty)'],
    ['Service.Port ==', 'filter: unexpected end of expression at 15, expected a value'],
    ['== 1', 'filter: unexpected token "==" at 0, expected a selector or value'],
    ['(Service.Port == 1', 'filter: unexpected end of expression at 18, expected ")"'],
    ['Service.Port == 1)', 'filter: unexpected token ")" at 17'],
    ['Service.Port == 1 and', 'filter: unexpected end of expression at 21, expected a selector or value'],
    ['Service.Port == 1 Service.ID == x', 'filter: unexpected token "Service.ID" at 18'],
    ['Name == "abc', 'filter: unterminated string starting at 8'],
    ['Name == `abc', 'filter: unterminated string starting at 8'],
    ['Name == "a\\qb"', 'filter: invalid escape "\\q" at 10'],
    ['Name is full', 'filter: unexpected token "full" at 8, expected "empty"'],
    ['Name == a & b', 'filter: unexpected character "&" at 10'],
    ['9abc == 1', 'filter: invalid selector "9abc" at 0: each dotted part must start with a letter and hold letters, digits, "_" or "-"'],
    ['Service..Port == 1', 'filter: invalid selector "Service..Port" at 0: each dotted part must start with a letter and hold letters, digits, "_" or "-"'],
    ['x in "nope"', 'filter: invalid selector "nope" at 5: a quoted selector must be a JSON Pointer starting with "/"'],
    ['Meta[version] == 1', 'filter: unexpected token "version" at 5, expected a quoted map key'],
    ['x in and', 'filter: unexpected token "and" at 5, expected a selector'],
  ];
  it.each(cases)('%s', (expr, message) => {
    expect(compileError(expr)).toBe(message);
  });

  it('an invalid regular expression is a compile error', () => {
    expect(compileError('Name matches "a("')).toMatch(/^filter: invalid regular expression "a\(" at 13: /);
  });
});
