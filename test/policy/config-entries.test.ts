import { describe, expect, it } from 'vitest';
import { validateConfigEntry } from '../../policy/index.ts';

function errorsOf(entry: unknown): string[] {
  const r = validateConfigEntry(entry);
  if (r.ok) throw new Error(`expected ${JSON.stringify(entry)} to be rejected`);
  return r.errors;
}

function valueOf(entry: unknown): unknown {
  const r = validateConfigEntry(entry);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(entry)} to be valid: ${r.errors.join('; ')}`);
  return r.value;
}

const router = (routes: unknown[]) => ({ Kind: 'service-router', Name: 'web', Routes: routes });
const splitter = (splits: unknown[]) => ({ Kind: 'service-splitter', Name: 'admin', Splits: splits });
const resolver = (fields: Record<string, unknown>) => ({ Kind: 'service-resolver', Name: 'admin', ...fields });

describe('validateConfigEntry: accepted entries', () => {
  it('normalises the issue example entries unchanged', () => {
    const entries = [
      { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'http' } },
      router([{ Match: { HTTP: { PathPrefix: '/admin' } }, Destination: { Service: 'admin' } }]),
      splitter([
        { Weight: 90, ServiceSubset: 'v1' },
        { Weight: 10, ServiceSubset: 'v2' },
      ]),
      resolver({ Subsets: { v1: { Filter: 'Service.Meta.version == 1' }, v2: { Filter: 'Service.Meta.version == 2' } } }),
    ];
    for (const e of entries) expect(valueOf(e)).toEqual(e);
  });

  it('accepts snake_case and lower-case keys (as Consul does) and returns PascalCase, canonical durations, lower-case protocol', () => {
    const value = valueOf({
      kind: 'service-resolver',
      name: 'admin',
      default_subset: 'v1',
      subsets: { v1: { filter: 'Service.Meta.version == 1', only_passing: true } },
      connect_timeout: '1500ms',
      request_timeout: '90s',
    });
    expect(value).toEqual({
      Kind: 'service-resolver',
      Name: 'admin',
      DefaultSubset: 'v1',
      Subsets: { v1: { Filter: 'Service.Meta.version == 1', OnlyPassing: true } },
      ConnectTimeout: '1.5s',
      RequestTimeout: '1m30s',
    });
    expect(valueOf({ Kind: 'service-defaults', Name: 'web', Protocol: 'HTTP2' })).toEqual({ Kind: 'service-defaults', Name: 'web', Protocol: 'http2' });
    expect(valueOf({ Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'GRPC', envoy_extra: 1 } })).toEqual({
      Kind: 'proxy-defaults',
      Name: 'global',
      Config: { protocol: 'grpc', envoy_extra: 1 },
    });
  });

  it('drops the store’s own fields when an entry is read back and written again', () => {
    expect(valueOf({ Kind: 'service-defaults', Name: 'web', Protocol: 'http', CreateIndex: 5, ModifyIndex: 9 })).toEqual({
      Kind: 'service-defaults',
      Name: 'web',
      Protocol: 'http',
    });
  });

  it('accepts weights with two decimals that sum to 100, hash policies with ring_hash, Go durations in routes', () => {
    expect(() => valueOf(splitter([{ Weight: 33.33, Service: 'a' }, { Weight: 33.33, Service: 'b' }, { Weight: 33.34, Service: 'c' }]))).not.toThrow();
    expect(() =>
      valueOf(resolver({ LoadBalancer: { Policy: 'maglev', HashPolicies: [{ Field: 'cookie', FieldValue: 'sid', CookieConfig: { TTL: '1h' } }, { SourceIP: true, Terminal: true }] } })),
    ).not.toThrow();
    expect(valueOf(router([{ Destination: { Service: 'x', RequestTimeout: '250ms', IdleTimeout: '1m30s' } }]))).toEqual(
      router([{ Destination: { Service: 'x', RequestTimeout: '250ms', IdleTimeout: '1m30s' } }]),
    );
  });
});

describe('validateConfigEntry: rejections name the entry, the field and the fix', () => {
  const cases: [string, unknown, string[]][] = [
    ['not an object', 'nope', ['config entry: must be a JSON object with Kind and Name']],
    ['no kind', { Name: 'x' }, ['config entry: Kind is required; use one of proxy-defaults, service-defaults, service-router, service-splitter, service-resolver']],
    [
      'unknown kind',
      { Kind: 'ingress-gateway', Name: 'x' },
      ['config entry: Kind "ingress-gateway" is not supported; use one of proxy-defaults, service-defaults, service-router, service-splitter, service-resolver'],
    ],
    ['no name', { Kind: 'service-router' }, ['service-router: Name is required']],
    ['proxy-defaults not global', { Kind: 'proxy-defaults', Name: 'web' }, ['proxy-defaults "web": Name must be "global" for proxy-defaults, got "web"']],
    [
      'proxy-defaults bad protocol',
      { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'udp' } },
      ['proxy-defaults "global": Config.protocol "udp" is not one of tcp, http, http2, grpc'],
    ],
    [
      'unknown top-level field',
      { Kind: 'service-defaults', Name: 'web', Protocl: 'http' },
      [
        'service-defaults "web": Protocl is not a known field; known fields here are Kind, Name, Namespace, Partition, Meta, CreateIndex, ModifyIndex, Hash, Protocol, Mode, TransparentProxy, MeshGateway, Expose, ExternalSNI, UpstreamConfig, MaxInboundConnections, LocalConnectTimeoutMs, LocalRequestTimeoutMs, BalanceInboundConnections',
      ],
    ],
    [
      'unknown nested field',
      router([{ Destination: { Service: 'admin', Retries: 3 } }]),
      [
        'service-router "web": Routes[0].Destination.Retries is not a known field; known fields here are Service, ServiceSubset, Namespace, Partition, PrefixRewrite, RequestTimeout, IdleTimeout, NumRetries, RetryOnConnectFailure, RetryOn, RetryOnStatusCodes, RequestHeaders, ResponseHeaders',
      ],
    ],
    [
      'service-defaults types',
      { Kind: 'service-defaults', Name: 'x', Protocol: 'udp', MeshGateway: { Mode: 'far' }, UpstreamConfig: { Defaults: { ConnectTimeoutMs: 1.5 } } },
      [
        'service-defaults "x": Protocol "udp" is not one of tcp, http, http2, grpc',
        'service-defaults "x": MeshGateway.Mode "far" is not one of none, local, remote',
        'service-defaults "x": UpstreamConfig.Defaults.ConnectTimeoutMs must be a whole number, got 1.5',
      ],
    ],
    ['partition', { Kind: 'service-defaults', Name: 'x', Partition: 'eu' }, ['service-defaults "x": Partition "eu": only the "default" partition exists']],
    ['weights sum', splitter([{ Weight: 80, ServiceSubset: 'v1' }, { Weight: 10, ServiceSubset: 'v2' }]), ['service-splitter "admin": Splits weights sum to 90, they must sum to 100']],
    [
      'weight precision',
      splitter([{ Weight: 50.005, ServiceSubset: 'v1' }, { Weight: 49.995, ServiceSubset: 'v2' }]),
      [
        'service-splitter "admin": Splits[0].Weight 50.005 has more than two decimals; weights have a precision of 0.01',
        'service-splitter "admin": Splits[1].Weight 49.995 has more than two decimals; weights have a precision of 0.01',
      ],
    ],
    ['weight range', splitter([{ Weight: 120 }]), ['service-splitter "admin": Splits[0].Weight must be at most 100, got 120']],
    ['weight missing', splitter([{ Service: 'a' }]), ['service-splitter "admin": Splits[0].Weight is required']],
    ['no splits', splitter([]), ['service-splitter "admin": Splits must list at least one split']],
    [
      'duplicate split',
      splitter([{ Weight: 50, ServiceSubset: 'v1' }, { Weight: 50, ServiceSubset: 'v1' }]),
      ['service-splitter "admin": Splits[1] goes to the same service and subset as Splits[0]; merge them into one split'],
    ],
    [
      'path regex is not RE2',
      router([{ Match: { HTTP: { PathRegex: '/(?=x)' } } }]),
      ['service-router "web": Routes[0].Match.HTTP.PathRegex "/(?=x)" is not a valid RE2 regular expression (invalid perl operator: (?=)'],
    ],
    [
      'header regex does not compile',
      router([{ Match: { HTTP: { Header: [{ Name: 'x-v', Regex: '([' }] } } }]),
      ['service-router "web": Routes[0].Match.HTTP.Header[0].Regex "([" is not a valid RE2 regular expression (missing ]: [)'],
    ],
    [
      'match fields',
      router([
        {
          Match: { HTTP: { PathExact: '/a', PathPrefix: 'b', Header: [{ Name: 'x' }], QueryParam: [{ Name: 'q', Present: true, Exact: 'x' }], Methods: ['get', 'FETCH', 'GET'] } },
        },
      ]),
      [
        'service-router "web": Routes[0].Match.HTTP.Header[0] must set exactly one of Present, Exact, Prefix, Suffix or Regex',
        'service-router "web": Routes[0].Match.HTTP.QueryParam[0] must set exactly one of Present, Exact or Regex (got Present, Exact)',
        'service-router "web": Routes[0].Match.HTTP may set only one of PathExact, PathPrefix or PathRegex (got PathExact, PathPrefix)',
        'service-router "web": Routes[0].Match.HTTP.PathPrefix "b" must begin with "/"',
        'service-router "web": Routes[0].Match.HTTP.Methods[1] "FETCH" is not an HTTP method; use one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH',
        'service-router "web": Routes[0].Match.HTTP.Methods[2] "GET" is listed twice',
      ],
    ],
    [
      'destination fields',
      router([{ Match: { HTTP: { PathRegex: '/x.*' } }, Destination: { PrefixRewrite: '/', RetryOn: ['sometimes'], RetryOnStatusCodes: [99], RequestTimeout: '5 sec' } }]),
      [
        'service-router "web": Routes[0].Destination.RequestTimeout "5 sec" is not a duration; use a Go duration such as "5s", "1m30s" or "250ms"',
        'service-router "web": Routes[0].Destination.RetryOnStatusCodes[0] must be an HTTP status code (100-599), got 99',
        'service-router "web": Routes[0].Destination.PrefixRewrite needs a route that matches on PathExact or PathPrefix',
        'service-router "web": Routes[0].Destination.RetryOn[0] "sometimes" is not a retry condition; use one of 5xx, gateway-error, reset, connect-failure, envoy-ratelimited, retriable-4xx, refused-stream, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable',
      ],
    ],
    [
      'resolver durations',
      resolver({ ConnectTimeout: '-1s', RequestTimeout: '10' }),
      [
        'service-resolver "admin": ConnectTimeout "-1s" must not be negative',
        'service-resolver "admin": RequestTimeout "10" is not a duration; use a Go duration such as "5s", "1m30s" or "250ms"',
      ],
    ],
    [
      'subset filter',
      resolver({ Subsets: { v1: { Filter: 'Service.Meta.version ==' } } }),
      ['service-resolver "admin": Subsets["v1"].Filter "Service.Meta.version ==" is not a valid filter expression: filter: unexpected end of expression at 23, expected a value'],
    ],
    [
      'subset name and default subset',
      resolver({ DefaultSubset: 'v3', Subsets: { V1: {} } }),
      [
        'service-resolver "admin": Subsets["V1"] is not a valid subset name; use lower-case letters, digits and dashes (it becomes part of the SNI)',
        'service-resolver "admin": DefaultSubset "v3" is not defined in Subsets (defined: V1)',
      ],
    ],
    [
      'redirect with failover',
      resolver({ Redirect: { Service: 'other' }, Failover: { '*': { Datacenters: ['dc2'] } } }),
      ['service-resolver "admin": sets both Redirect and Failover; a redirected service is resolved (and fails over) by the resolver it redirects to, so remove one'],
    ],
    ['redirect to itself', resolver({ Redirect: { Service: 'admin' } }), ['service-resolver "admin": Redirect points at service "admin" itself without changing subset, namespace or datacenter']],
    ['empty redirect', resolver({ Redirect: {} }), ['service-resolver "admin": Redirect must set at least one of Service, ServiceSubset, Namespace or Datacenter']],
    [
      'failover shape',
      resolver({ Subsets: { v1: {} }, Failover: { v9: { Datacenters: ['dc2'], Targets: [{ Datacenter: 'dc3' }] }, '*': {} } }),
      [
        'service-resolver "admin": Failover["*"] must set one of Service, ServiceSubset, Namespace, Datacenters or Targets',
        'service-resolver "admin": Failover["v9"] is not "*" or a subset defined in Subsets',
        'service-resolver "admin": Failover["v9"] sets Targets together with Datacenters; use Targets alone',
      ],
    ],
    [
      'hash policies without a hashing policy',
      resolver({ LoadBalancer: { Policy: 'round_robin', HashPolicies: [{ Field: 'header', FieldValue: 'x-user' }] } }),
      ['service-resolver "admin": LoadBalancer.HashPolicies are only allowed with Policy "ring_hash" or "maglev", not "round_robin"'],
    ],
    [
      'load balancer details',
      resolver({
        LoadBalancer: {
          Policy: 'ring_hash',
          RingHashConfig: { MinimumRingSize: 10, MaximumRingSize: 5 },
          LeastRequestConfig: { ChoiceCount: 3 },
          HashPolicies: [{ Field: 'cookie', SourceIP: true, CookieConfig: { Session: true, TTL: '1s' } }, {}],
        },
      }),
      [
        'service-resolver "admin": LoadBalancer.RingHashConfig MinimumRingSize 10 is larger than MaximumRingSize 5',
        'service-resolver "admin": LoadBalancer.LeastRequestConfig is only allowed with Policy "least_request", not "ring_hash"',
        'service-resolver "admin": LoadBalancer.HashPolicies[0].CookieConfig sets both Session and TTL; a session cookie has no TTL',
        'service-resolver "admin": LoadBalancer.HashPolicies[0] sets both Field and SourceIP; use one',
        'service-resolver "admin": LoadBalancer.HashPolicies[0].FieldValue is required when Field is set (the cookie name to hash)',
        'service-resolver "admin": LoadBalancer.HashPolicies[1] must set Field (with FieldValue) or SourceIP',
      ],
    ],
    ['load balancer policy', resolver({ LoadBalancer: { Policy: 'fastest' } }), ['service-resolver "admin": LoadBalancer.Policy "fastest" is not one of random, round_robin, least_request, ring_hash, maglev']],
    ['wrong type', resolver({ Subsets: [] }), ['service-resolver "admin": Subsets must be an object, got a list']],
  ];
  it.each(cases)('%s', (_name, entry, expected) => {
    expect(errorsOf(entry)).toEqual(expected);
  });
});
