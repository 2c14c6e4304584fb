import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../catalog/filter/index.ts';
import { ConfigEntrySet, compileDiscoveryChain, type CompileRequest, type CompiledDiscoveryChain, type ConfigEntry } from '../../policy/index.ts';
import { adminExample, makeProxyDefaults, makeResolver, makeRouter, makeServiceDefaults, makeSplitter, versionSubsets } from './chain-fixtures.ts';

const TD = '11111111-2222-3333-4444-555555555555.consul';

function compile(service: string, entries: ConfigEntry[], extra: Partial<CompileRequest> = {}): CompiledDiscoveryChain {
  const r = compileDiscoveryChain({ service, datacenter: 'dc1', entries, trustDomain: TD, ...extra });
  if (!r.ok) throw new Error(`expected ${service} to compile: ${r.errors.join('; ')}`);
  return r.value;
}

function compileError(service: string, entries: ConfigEntry[], extra: Partial<CompileRequest> = {}): string {
  const r = compileDiscoveryChain({ service, datacenter: 'dc1', entries, trustDomain: TD, ...extra });
  if (r.ok) throw new Error(`expected ${service} not to compile`);
  expect(r.errors).toHaveLength(1);
  return r.errors[0] as string;
}

/** The target Consul would build for a service (subset) with no special settings. */
function plainTarget(service: string, opts: { subset?: string; dc?: string; filter?: string; timeout?: string } = {}) {
  const dc = opts.dc ?? 'dc1';
  const prefix = opts.subset ? `${opts.subset}.` : '';
  const sni = `${prefix}${service}.default.${dc}.internal.${TD}`;
  return {
    ID: `${prefix}${service}.default.default.${dc}`,
    Service: service,
    ...(opts.subset ? { ServiceSubset: opts.subset } : {}),
    Namespace: 'default',
    Partition: 'default',
    Datacenter: dc,
    MeshGateway: {},
    Subset: opts.filter ? { Filter: opts.filter } : {},
    ConnectTimeout: opts.timeout ?? '5s',
    SNI: sni,
    Name: sni,
  };
}

describe('compileDiscoveryChain: the issue example', () => {
  it('routes /admin to admin, splits 90/10 between v1 and v2, and resolves subsets by Meta.version', () => {
    const chain = compile('web', adminExample());
    expect(chain).toEqual({
      ServiceName: 'web',
      Namespace: 'default',
      Partition: 'default',
      Datacenter: 'dc1',
      Default: false,
      Protocol: 'http',
      StartNode: 'router:web.default.default',
      Nodes: {
        'resolver:v1.admin.default.default.dc1': {
          Type: 'resolver',
          Name: 'v1.admin.default.default.dc1',
          Resolver: { ConnectTimeout: '5s', Target: 'v1.admin.default.default.dc1' },
        },
        'resolver:v2.admin.default.default.dc1': {
          Type: 'resolver',
          Name: 'v2.admin.default.default.dc1',
          Resolver: { ConnectTimeout: '5s', Target: 'v2.admin.default.default.dc1' },
        },
        'resolver:web.default.default.dc1': {
          Type: 'resolver',
          Name: 'web.default.default.dc1',
          Resolver: { Default: true, ConnectTimeout: '5s', Target: 'web.default.default.dc1' },
        },
        'router:web.default.default': {
          Type: 'router',
          Name: 'web.default.default',
          Routes: [
            {
              Definition: {
                Match: { HTTP: { PathPrefix: '/admin' } },
                Destination: { Service: 'admin', Namespace: 'default', Partition: 'default' },
              },
              NextNode: 'splitter:admin.default.default',
            },
            {
              Definition: {
                Match: { HTTP: { PathPrefix: '/' } },
                Destination: { Service: 'web', Namespace: 'default', Partition: 'default' },
              },
              NextNode: 'resolver:web.default.default.dc1',
            },
          ],
        },
        'splitter:admin.default.default': {
          Type: 'splitter',
          Name: 'admin.default.default',
          Splits: [
            { Definition: { Weight: 90, ServiceSubset: 'v1' }, Weight: 90, NextNode: 'resolver:v1.admin.default.default.dc1' },
            { Definition: { Weight: 10, ServiceSubset: 'v2' }, Weight: 10, NextNode: 'resolver:v2.admin.default.default.dc1' },
          ],
        },
      },
      Targets: {
        'v1.admin.default.default.dc1': plainTarget('admin', { subset: 'v1', filter: 'Service.Meta.version == 1' }),
        'v2.admin.default.default.dc1': plainTarget('admin', { subset: 'v2', filter: 'Service.Meta.version == 2' }),
        'web.default.default.dc1': plainTarget('web'),
      },
    });
    // Keys come out sorted, so the JSON (and any hash of it) is stable.
    expect(Object.keys(chain.Nodes)).toEqual([...Object.keys(chain.Nodes)].sort());
    expect(Object.keys(chain.Targets)).toEqual([...Object.keys(chain.Targets)].sort());
  });

  it("v2's filter selects exactly the admin instances whose Meta.version is 2", () => {
    const chain = compile('web', adminExample());
    const filter = chain.Targets['v2.admin.default.default.dc1']?.Subset.Filter ?? '';
    const compiled = compileFilter(filter);
    if (!compiled.ok) throw new Error(compiled.errors.join('; '));
    const instances = [
      { Service: { ID: 'admin-1', Service: 'admin', Meta: { version: '1' } } },
      { Service: { ID: 'admin-2', Service: 'admin', Meta: { version: '2' } } },
      { Service: { ID: 'admin-3', Service: 'admin', Meta: {} } },
    ];
    expect(instances.filter((i) => compiled.value.matches(i)).map((i) => i.Service.ID)).toEqual(['admin-2']);
  });

  it('is deterministic: entry order and a shared ConfigEntrySet give byte-identical JSON', () => {
    const a = JSON.stringify(compile('web', adminExample()));
    const b = JSON.stringify(compile('web', [...adminExample()].reverse()));
    const shared = new ConfigEntrySet(adminExample());
    const c = compileDiscoveryChain({ service: 'web', datacenter: 'dc1', entries: shared, trustDomain: TD });
    expect(b).toBe(a);
    expect(c.ok && JSON.stringify(c.value)).toBe(a);
  });
});

describe('compileDiscoveryChain: single entries', () => {
  it('with no entries compiles the default chain: tcp, one default resolver', () => {
    const chain = compile('web', []);
    expect(chain).toEqual({
      ServiceName: 'web',
      Namespace: 'default',
      Partition: 'default',
      Datacenter: 'dc1',
      Default: true,
      Protocol: 'tcp',
      StartNode: 'resolver:web.default.default.dc1',
      Nodes: {
        'resolver:web.default.default.dc1': {
          Type: 'resolver',
          Name: 'web.default.default.dc1',
          Resolver: { Default: true, ConnectTimeout: '5s', Target: 'web.default.default.dc1' },
        },
      },
      Targets: { 'web.default.default.dc1': plainTarget('web') },
    });
  });

  it('takes the protocol from service-defaults, then proxy-defaults, then tcp', () => {
    expect(compile('web', [makeProxyDefaults('http')]).Protocol).toBe('http');
    expect(compile('web', [makeProxyDefaults('http'), makeServiceDefaults('web', 'grpc')]).Protocol).toBe('grpc');
    expect(compile('web', [makeServiceDefaults('other', 'http')]).Protocol).toBe('tcp');
  });

  it('ignores routers and splitters on a tcp chain', () => {
    const entries = [makeRouter('web', [{ Destination: { Service: 'x' } }]), makeSplitter('web', [{ Weight: 100, Service: 'y' }])];
    const chain = compile('web', entries);
    expect(chain.StartNode).toBe('resolver:web.default.default.dc1');
    expect(Object.keys(chain.Nodes)).toEqual(['resolver:web.default.default.dc1']);
  });

  it('copies a resolver’s timeouts and load balancer onto its node and target', () => {
    const lb = { Policy: 'ring_hash' as const, HashPolicies: [{ Field: 'header' as const, FieldValue: 'x-user' }] };
    const chain = compile('web', [makeResolver('web', { ConnectTimeout: '15s', RequestTimeout: '30s', LoadBalancer: lb })]);
    expect(chain.Default).toBe(false);
    expect(chain.Nodes['resolver:web.default.default.dc1']).toEqual({
      Type: 'resolver',
      Name: 'web.default.default.dc1',
      Resolver: { ConnectTimeout: '15s', RequestTimeout: '30s', Target: 'web.default.default.dc1' },
      LoadBalancer: lb,
    });
    expect(chain.Targets['web.default.default.dc1']?.ConnectTimeout).toBe('15s');
  });

  it('sends a splitter’s splits to subsets, using the default subset for a split without one', () => {
    const entries = [
      makeServiceDefaults('web', 'http'),
      makeResolver('web', { DefaultSubset: 'v1', Subsets: versionSubsets('1', '2') }),
      makeSplitter('web', [{ Weight: 90 }, { Weight: 10, ServiceSubset: 'v2' }]),
    ];
    const chain = compile('web', entries, { datacenter: 'dc2' });
    expect(chain.StartNode).toBe('splitter:web.default.default');
    expect(chain.Nodes['splitter:web.default.default']).toEqual({
      Type: 'splitter',
      Name: 'web.default.default',
      Splits: [
        { Definition: { Weight: 90 }, Weight: 90, NextNode: 'resolver:v1.web.default.default.dc2' },
        { Definition: { Weight: 10, ServiceSubset: 'v2' }, Weight: 10, NextNode: 'resolver:v2.web.default.default.dc2' },
      ],
    });
    expect(Object.keys(chain.Targets)).toEqual(['v1.web.default.default.dc2', 'v2.web.default.default.dc2']);
    expect(chain.Targets['v1.web.default.default.dc2']).toEqual(plainTarget('web', { subset: 'v1', dc: 'dc2', filter: 'Service.Meta.version == 1' }));
  });

  it('passes router match and destination fields through, with Namespace and Partition filled in', () => {
    const route = {
      Match: { HTTP: { PathRegex: '/api/v[0-9]+/.*', Header: [{ Name: 'x-debug', Exact: '1' }], Methods: ['GET'] } },
      Destination: { Service: 'api', RequestTimeout: '15s', NumRetries: 3, RetryOnStatusCodes: [503], RequestHeaders: { Set: { 'x-from': 'web' } } },
    };
    const chain = compile('web', [makeProxyDefaults('http'), makeRouter('web', [route])]);
    const router = chain.Nodes['router:web.default.default'];
    expect(router?.Type === 'router' && router.Routes[0]).toEqual({
      Definition: { Match: route.Match, Destination: { ...route.Destination, Namespace: 'default', Partition: 'default' } },
      NextNode: 'resolver:api.default.default.dc1',
    });
  });

  it('sends a router destination with a subset straight to the resolver, skipping the splitter', () => {
    const entries = [...adminExample(), makeRouter('web', [{ Destination: { Service: 'admin', ServiceSubset: 'v2' } }])];
    const chain = compile('web', entries);
    const router = chain.Nodes['router:web.default.default'];
    expect(router?.Type === 'router' && router.Routes.map((r) => r.NextNode)).toEqual([
      'resolver:v2.admin.default.default.dc1',
      'resolver:web.default.default.dc1',
    ]);
    expect(chain.Nodes['splitter:admin.default.default']).toBeUndefined();
  });

  it('puts the router’s catch-all route through the service’s own splitter', () => {
    const entries = [
      makeProxyDefaults('http'),
      makeRouter('web', [{ Match: { HTTP: { PathPrefix: '/admin' } }, Destination: { Service: 'admin' } }]),
      makeSplitter('web', [{ Weight: 50, Service: 'web' }, { Weight: 50, Service: 'web-next' }]),
    ];
    const chain = compile('web', entries);
    const router = chain.Nodes['router:web.default.default'];
    expect(router?.Type === 'router' && router.Routes[1]?.NextNode).toBe('splitter:web.default.default');
    const splitter = chain.Nodes['splitter:web.default.default'];
    expect(splitter?.Type === 'splitter' && splitter.Splits.map((s) => s.NextNode)).toEqual([
      'resolver:web.default.default.dc1',
      'resolver:web-next.default.default.dc1',
    ]);
  });
});

describe('compileDiscoveryChain: nesting, redirects, failover', () => {
  it('flattens nested splitters, multiplying weights, and drops the inner splitter node', () => {
    const entries = [
      makeProxyDefaults('http'),
      makeSplitter('a', [{ Weight: 50, Service: 'b' }, { Weight: 50, Service: 'c' }]),
      makeSplitter('c', [{ Weight: 50, Service: 'd' }, { Weight: 50, Service: 'e' }]),
    ];
    const chain = compile('a', entries);
    expect(chain.Nodes['splitter:a.default.default']).toEqual({
      Type: 'splitter',
      Name: 'a.default.default',
      Splits: [
        { Definition: { Weight: 50, Service: 'b' }, Weight: 50, NextNode: 'resolver:b.default.default.dc1' },
        { Definition: { Weight: 50, Service: 'd' }, Weight: 25, NextNode: 'resolver:d.default.default.dc1' },
        { Definition: { Weight: 50, Service: 'e' }, Weight: 25, NextNode: 'resolver:e.default.default.dc1' },
      ],
    });
    expect(chain.Nodes['splitter:c.default.default']).toBeUndefined();
    expect(Object.keys(chain.Targets)).toEqual(['b.default.default.dc1', 'd.default.default.dc1', 'e.default.default.dc1']);
  });

  it('keeps flattened weights free of floating-point noise', () => {
    const entries = [
      makeProxyDefaults('http'),
      makeSplitter('a', [{ Weight: 33.33, Service: 'b' }, { Weight: 66.67, Service: 'c' }]),
      makeSplitter('b', [{ Weight: 10, Service: 'x' }, { Weight: 90, Service: 'y' }]),
    ];
    const node = compile('a', entries).Nodes['splitter:a.default.default'];
    const weights = node?.Type === 'splitter' ? node.Splits.map((s) => s.Weight) : [];
    expect(weights).toEqual([3.333, 29.997, 66.67]);
    expect(weights.reduce((x, y) => x + y, 0)).toBeCloseTo(100, 9);
  });

  it('follows a redirect to another service, applying that service’s default subset', () => {
    const entries = [
      makeResolver('web', { Redirect: { Service: 'web-v2' } }),
      makeResolver('web-v2', { DefaultSubset: 'stable', Subsets: { stable: { Filter: 'Service.Meta.track == stable', OnlyPassing: true } } }),
    ];
    const chain = compile('web', entries);
    expect(chain.StartNode).toBe('resolver:stable.web-v2.default.default.dc1');
    expect(Object.keys(chain.Nodes)).toEqual(['resolver:stable.web-v2.default.default.dc1']);
    expect(chain.Targets).toEqual({
      'stable.web-v2.default.default.dc1': {
        ...plainTarget('web-v2', { subset: 'stable' }),
        Subset: { Filter: 'Service.Meta.track == stable', OnlyPassing: true },
      },
    });
  });

  it('follows a redirect to another datacenter', () => {
    const chain = compile('web', [makeResolver('web', { Redirect: { Datacenter: 'dc2' } })]);
    expect(chain.StartNode).toBe('resolver:web.default.default.dc2');
    expect(chain.Targets).toEqual({ 'web.default.default.dc2': plainTarget('web', { dc: 'dc2' }) });
  });

  it('lists failover datacenters in order, as targets of their own', () => {
    const chain = compile('web', [makeResolver('web', { ConnectTimeout: '15s', Failover: { '*': { Datacenters: ['dc3', 'dc4'] } } })]);
    expect(chain.Nodes['resolver:web.default.default.dc1']).toEqual({
      Type: 'resolver',
      Name: 'web.default.default.dc1',
      Resolver: { ConnectTimeout: '15s', Target: 'web.default.default.dc1', Failover: { Targets: ['web.default.default.dc3', 'web.default.default.dc4'] } },
    });
    expect(chain.Targets).toEqual({
      'web.default.default.dc1': plainTarget('web', { timeout: '15s' }),
      'web.default.default.dc3': plainTarget('web', { dc: 'dc3', timeout: '15s' }),
      'web.default.default.dc4': plainTarget('web', { dc: 'dc4', timeout: '15s' }),
    });
  });

  it('prefers a subset’s own failover over "*", resolves failover targets through their resolvers and drops the primary', () => {
    const entries = [
      makeResolver('web', {
        DefaultSubset: 'v1',
        Subsets: versionSubsets('1', '2'),
        Failover: {
          v1: { Targets: [{ Datacenter: 'dc1' }, { ServiceSubset: 'v2' }, { Service: 'backup' }, { Service: 'backup', Datacenter: 'dc2' }] },
          '*': { Datacenters: ['dc9'] },
        },
      }),
      makeResolver('backup', { ConnectTimeout: '2s', Redirect: { Service: 'backup-new' } }),
    ];
    const chain = compile('web', entries);
    const node = chain.Nodes['resolver:v1.web.default.default.dc1'];
    expect(node?.Type === 'resolver' && node.Resolver.Failover).toEqual({
      Targets: ['v2.web.default.default.dc1', 'backup-new.default.default.dc1', 'backup-new.default.default.dc2'],
    });
    expect(chain.Targets['backup-new.default.default.dc2']).toEqual(plainTarget('backup-new', { dc: 'dc2' }));
  });

  it('applies overrides and marks the chain with a CustomizationHash', () => {
    const entries = [makeResolver('web', { Redirect: { Datacenter: 'dc2' } })];
    const plain = compile('web', entries);
    const custom = compile('web', entries, {
      overrides: { OverrideConnectTimeout: '7s', OverrideProtocol: 'grpc', OverrideMeshGateway: { Mode: 'remote' } },
    });
    expect(plain.CustomizationHash).toBeUndefined();
    expect(custom.Protocol).toBe('grpc');
    expect(custom.CustomizationHash).toMatch(/^[0-9a-f]{8}$/);
    expect(custom.Nodes['resolver:web.default.default.dc2']).toEqual({
      Type: 'resolver',
      Name: 'web.default.default.dc2',
      Resolver: { ConnectTimeout: '7s', Target: 'web.default.default.dc2' },
    });
    expect(custom.Targets['web.default.default.dc2']).toEqual({ ...plainTarget('web', { dc: 'dc2', timeout: '7s' }), MeshGateway: { Mode: 'remote' } });
    // 7s given as Go's time.Duration nanoseconds is the same override.
    const nanos = compile('web', entries, { overrides: { OverrideConnectTimeout: 7e9, OverrideProtocol: 'grpc', OverrideMeshGateway: { Mode: 'remote' } } });
    expect(nanos.CustomizationHash).toBe(custom.CustomizationHash);
  });

  it('does not use routers when the protocol override is tcp', () => {
    const chain = compile('web', adminExample(), { overrides: { OverrideProtocol: 'tcp' } });
    expect(chain.Protocol).toBe('tcp');
    expect(chain.StartNode).toBe('resolver:web.default.default.dc1');
  });

  it('takes mesh gateway mode from service-defaults, else proxy-defaults, and ExternalSNI as the SNI', () => {
    const entries = [
      makeProxyDefaults('tcp', { MeshGateway: { Mode: 'local' } }),
      makeServiceDefaults('db', 'tcp', { MeshGateway: { Mode: 'remote' }, ExternalSNI: 'db.example.com' }),
      makeResolver('web', { Failover: { '*': { Service: 'db' } } }),
    ];
    const chain = compile('web', entries);
    expect(chain.Targets['web.default.default.dc1']?.MeshGateway).toEqual({ Mode: 'local' });
    expect(chain.Targets['db.default.default.dc1']).toEqual({
      ...plainTarget('db'),
      MeshGateway: { Mode: 'remote' },
      SNI: 'db.example.com',
      External: true,
      Name: `db.default.dc1.internal.${TD}`,
    });
  });

  it('without a trust domain leaves SNI out and names targets by ID; honours the namespace', () => {
    const r = compileDiscoveryChain({ service: 'web', namespace: 'team-a', datacenter: 'dc1', entries: [] });
    expect(r.ok && r.value.Targets).toEqual({
      'web.team-a.default.dc1': {
        ID: 'web.team-a.default.dc1',
        Service: 'web',
        Namespace: 'team-a',
        Partition: 'default',
        Datacenter: 'dc1',
        MeshGateway: {},
        Subset: {},
        ConnectTimeout: '5s',
        Name: 'web.team-a.default.dc1',
      },
    });
  });
});

describe('compileDiscoveryChain: errors', () => {
  it('rejects a redirect loop across resolvers', () => {
    const entries = [makeResolver('a', { Redirect: { Service: 'b' } }), makeResolver('b', { Redirect: { Service: 'c' } }), makeResolver('c', { Redirect: { Service: 'a' } })];
    expect(compileError('a', entries)).toBe(
      'service-resolver "c": Redirect creates a loop (a.default.default.dc1 -> b.default.default.dc1 -> c.default.default.dc1 -> a.default.default.dc1); remove one of these redirects',
    );
  });

  it('rejects a splitter loop', () => {
    const entries = [makeProxyDefaults('http'), makeSplitter('a', [{ Weight: 100, Service: 'b' }]), makeSplitter('b', [{ Weight: 50, Service: 'a' }, { Weight: 50, Service: 'x' }])];
    expect(compileError('a', entries)).toBe('service-splitter "a": Splits lead back to this splitter (a -> b -> a); splitters may not form a loop');
  });

  it('rejects a split to a subset the resolver does not define', () => {
    const entries = adminExample().map((e) => (e.Kind === 'service-resolver' ? makeResolver('admin', { Subsets: versionSubsets('1') }) : e));
    expect(compileError('web', entries)).toBe(
      'service-splitter "admin": Splits[1] refers to subset "v2" of service "admin", but service-resolver "admin" does not define it (defined: v1); add it to Subsets there or use one of those',
    );
  });

  it('rejects a route to a subset of a service with no resolver', () => {
    const entries = [makeProxyDefaults('http'), makeRouter('web', [{ Destination: { Service: 'api', ServiceSubset: 'canary' } }])];
    expect(compileError('web', entries)).toBe(
      'service-router "web": Routes[0].Destination refers to subset "canary" of service "api", but service "api" has no service-resolver; write one that defines it in Subsets',
    );
  });

  it('rejects an L7 chain that routes to a service of another protocol', () => {
    const entries = [...adminExample(), makeServiceDefaults('admin', 'tcp')];
    expect(compileError('web', entries)).toBe(
      'service-router "web": Routes[0].Destination sends traffic to service "admin", which uses protocol "tcp", but the chain for "web" uses "http"; set Protocol "http" in service-defaults "admin"',
    );
  });

  it('rejects bad overrides', () => {
    expect(compileError('web', [], { overrides: { OverrideConnectTimeout: 'soon' } })).toBe(
      'overrides: OverrideConnectTimeout "soon" is not a duration; use a Go duration such as "5s"',
    );
    expect(compileError('web', [], { overrides: { OverrideProtocol: 'udp' } })).toBe('overrides: OverrideProtocol "udp" is not one of tcp, http, http2, grpc');
  });
});
