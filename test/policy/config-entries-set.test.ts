import { describe, expect, it } from 'vitest';
import { validateConfigEntryDelete, validateConfigEntrySet, validateConfigEntryWrite, type ConfigEntry } from '../../policy/index.ts';
import { adminExample, makeProxyDefaults, makeResolver, makeRouter, makeServiceDefaults, makeSplitter, versionSubsets } from './chain-fixtures.ts';

function setErrors(entries: unknown[]): string[] {
  const r = validateConfigEntrySet(entries);
  if (r.ok) throw new Error('expected the set to be rejected');
  return r.errors;
}

describe('validateConfigEntrySet', () => {
  it('accepts the issue example and returns the normalised entries', () => {
    const r = validateConfigEntrySet(adminExample());
    expect(r).toEqual({ ok: true, value: adminExample() });
  });

  const cases: [string, ConfigEntry[], string[]][] = [
    [
      'router and splitter on a tcp service (the default protocol)',
      [makeRouter('web', []), makeSplitter('web', [{ Weight: 100 }])],
      [
        'service-router "web": service "web" uses protocol "tcp", but routers need http, http2 or grpc; set Protocol in service-defaults "web" (or Config.protocol in proxy-defaults "global")',
        'service-splitter "web": service "web" uses protocol "tcp", but splitters need http, http2 or grpc; set Protocol in service-defaults "web" (or Config.protocol in proxy-defaults "global")',
      ],
    ],
    [
      'splitter on a service whose service-defaults say tcp although proxy-defaults say http',
      [makeProxyDefaults('http'), makeServiceDefaults('admin', 'tcp'), makeSplitter('admin', [{ Weight: 100 }])],
      [
        'service-splitter "admin": service "admin" uses protocol "tcp", but splitters need http, http2 or grpc; set Protocol in service-defaults "admin" (or Config.protocol in proxy-defaults "global")',
      ],
    ],
    [
      'split to a subset the resolver does not define',
      [makeProxyDefaults('http'), makeSplitter('admin', [{ Weight: 90, ServiceSubset: 'v1' }, { Weight: 10, ServiceSubset: 'v3' }]), makeResolver('admin', { Subsets: versionSubsets('1', '2') })],
      [
        'service-splitter "admin": Splits[1] refers to subset "v3" of service "admin", but service-resolver "admin" does not define it (defined: v1, v2); add it to Subsets there or use one of those',
      ],
    ],
    [
      'route to a subset the resolver does not define',
      [makeProxyDefaults('http'), makeRouter('web', [{ Destination: { Service: 'admin', ServiceSubset: 'v9' } }]), makeResolver('admin', { Subsets: versionSubsets('1') })],
      [
        'service-router "web": Routes[0].Destination refers to subset "v9" of service "admin", but service-resolver "admin" does not define it (defined: v1); add it to Subsets there or use one of those',
      ],
    ],
    [
      'redirect to a subset the target resolver does not define',
      [makeResolver('a', { Redirect: { Service: 'b', ServiceSubset: 'blue' } }), makeResolver('b')],
      ['service-resolver "a": Redirect refers to subset "blue" of service "b", but service-resolver "b" does not define it (defined: none); add it to Subsets there or use one of those'],
    ],
    [
      'failover to a subset of a service without a resolver',
      [makeResolver('a', { Failover: { '*': { Service: 'b', ServiceSubset: 'blue' } } })],
      ['service-resolver "a": Failover["*"] refers to subset "blue" of service "b", but service "b" has no service-resolver; write one that defines it in Subsets'],
    ],
    [
      'redirect loop across two resolvers (reported once)',
      [makeResolver('a', { Redirect: { Service: 'b' } }), makeResolver('b', { Redirect: { Service: 'a' } })],
      ['service-resolver "b": Redirect creates a loop (a.default.default.dc1 -> b.default.default.dc1 -> a.default.default.dc1); remove one of these redirects'],
    ],
    [
      'splitter loop (reported once)',
      [makeProxyDefaults('http'), makeSplitter('a', [{ Weight: 100, Service: 'b' }]), makeSplitter('b', [{ Weight: 100, Service: 'a' }])],
      ['service-splitter "a": Splits lead back to this splitter (a -> b -> a); splitters may not form a loop'],
    ],
    [
      'router through splitters into a loop',
      [
        makeProxyDefaults('http'),
        makeRouter('web', [{ Match: { HTTP: { PathPrefix: '/x' } }, Destination: { Service: 'x' } }]),
        makeSplitter('x', [{ Weight: 50, Service: 'y' }, { Weight: 50, Service: 'z' }]),
        makeSplitter('y', [{ Weight: 100, Service: 'x' }]),
      ],
      ['service-splitter "x": Splits lead back to this splitter (x -> y -> x); splitters may not form a loop'],
    ],
    [
      'protocol mismatch along a route',
      [...adminExample(), makeServiceDefaults('web', 'grpc')],
      [
        'service-router "web": Routes[0].Destination sends traffic to service "admin", which uses protocol "http", but the chain for "web" uses "grpc"; set Protocol "grpc" in service-defaults "admin"',
      ],
    ],
  ];
  it.each(cases)('rejects %s', (_name, entries, expected) => {
    expect(setErrors(entries)).toEqual(expected);
  });

  it('reports per-entry problems and duplicates before cross-entry ones', () => {
    expect(setErrors([makeResolver('a'), makeResolver('a'), { Kind: 'service-splitter', Name: 'b', Splits: [{ Weight: 10 }] }])).toEqual([
      'service-resolver "a": defined more than once; keep one',
      'service-splitter "b": Splits weights sum to 10, they must sum to 100',
    ]);
  });
});

describe('validateConfigEntryWrite and validateConfigEntryDelete', () => {
  const stored = adminExample();

  it('accepts a write that keeps the set consistent and returns the normalised entry', () => {
    const r = validateConfigEntryWrite({ Kind: 'service-splitter', Name: 'admin', Splits: [{ Weight: 50, ServiceSubset: 'v1' }, { Weight: 50, ServiceSubset: 'v2' }] }, stored);
    expect(r.ok).toBe(true);
  });

  it('rejects a resolver write that drops a subset the stored splitter uses', () => {
    const r = validateConfigEntryWrite({ Kind: 'service-resolver', Name: 'admin', Subsets: { v1: { Filter: 'Service.Meta.version == 1' } } }, stored);
    expect(r).toEqual({
      ok: false,
      errors: [
        'service-splitter "admin": Splits[1] refers to subset "v2" of service "admin", but service-resolver "admin" does not define it (defined: v1); add it to Subsets there or use one of those',
      ],
    });
  });

  it('rejects switching a routed service to tcp', () => {
    const r = validateConfigEntryWrite({ Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'tcp' } }, stored);
    expect(r.ok ? [] : r.errors).toEqual([
      'service-router "web": service "web" uses protocol "tcp", but routers need http, http2 or grpc; set Protocol in service-defaults "web" (or Config.protocol in proxy-defaults "global")',
      'service-splitter "admin": service "admin" uses protocol "tcp", but splitters need http, http2 or grpc; set Protocol in service-defaults "admin" (or Config.protocol in proxy-defaults "global")',
    ]);
  });

  it('does not blame a write for a problem that was already stored', () => {
    const broken = [...stored, makeResolver('a', { Redirect: { Service: 'b' } }), makeResolver('b', { Redirect: { Service: 'a' } })];
    expect(validateConfigEntryWrite({ Kind: 'service-defaults', Name: 'api', Protocol: 'http' }, broken).ok).toBe(true);
  });

  it('refuses to delete a resolver whose subsets are still used', () => {
    expect(validateConfigEntryDelete('service-resolver', 'admin', undefined, stored)).toEqual({
      ok: false,
      errors: [
        'deleting service-resolver "admin" would break: service-splitter "admin": Splits[0] refers to subset "v1" of service "admin", but service "admin" has no service-resolver; write one that defines it in Subsets',
      ],
    });
    expect(validateConfigEntryDelete('service-router', 'web', undefined, stored)).toEqual({ ok: true, value: null });
  });
});
