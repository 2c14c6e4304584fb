/** Small builders of ProxySnapshots for the golden and validation tests. */
import { compileIntentions, type Intention } from '../../policy/index.ts';
import type {
  ChainRouteSnapshot,
  ChainTargetSnapshot,
  InboundAuthorization,
  ConnectProxySnapshot,
  EndpointSnapshot,
  GrpcProxylessSnapshot,
  InboundSnapshot,
  TlsSnapshot,
  UpstreamSnapshot,
} from '../../xds/snapshot/types.ts';
import { ixn } from '../policy/intentions-helpers.ts';

export const TRUST_DOMAIN = '11111111-2222-3333-4444-555555555555.consul';

export function makeTls(): TlsSnapshot {
  return {
    trustDomain: TRUST_DOMAIN,
    rootsPEM: ['-----BEGIN CERTIFICATE-----\nROOT-A\n-----END CERTIFICATE-----'],
    leafCertPEM: '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----',
    leafKeyPEM: '-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----',
  };
}

export function makeEndpoint(address: string, port = 21000, over: Partial<EndpointSnapshot> = {}): EndpointSnapshot {
  return { address, port, health: 'HEALTHY', weight: 1, ...over };
}

export function makeUpstream(service: string, over: Partial<UpstreamSnapshot> = {}): UpstreamSnapshot {
  return {
    id: service,
    destination: { service, namespace: 'default', datacenter: 'dc1' },
    protocol: 'tcp',
    localBindAddress: '127.0.0.1',
    localBindPort: 9191,
    connectTimeoutMs: 5000,
    endpoints: [makeEndpoint('10.0.0.2'), makeEndpoint('10.0.0.3')],
    ...over,
  };
}

export function makeInbound(over: Partial<InboundSnapshot> = {}): InboundSnapshot {
  return {
    address: '10.0.0.1',
    port: 21000,
    protocol: 'tcp',
    localAppAddress: '127.0.0.1',
    localAppPort: 8080,
    authorization: { defaultAllow: false },
    ...over,
  };
}

export function makeSidecar(over: Partial<ConnectProxySnapshot> = {}): ConnectProxySnapshot {
  return {
    kind: 'connect-proxy',
    proxyId: 'web-1-sidecar-proxy',
    identity: { service: 'web', namespace: 'default', datacenter: 'dc1' },
    tls: makeTls(),
    upstreams: [makeUpstream('api')],
    inbound: makeInbound(),
    ...over,
  };
}

export function makeProxyless(over: Partial<GrpcProxylessSnapshot> = {}): GrpcProxylessSnapshot {
  return {
    kind: 'grpc-proxyless',
    proxyId: 'web-1',
    identity: { service: 'web', namespace: 'default', datacenter: 'dc1' },
    tls: makeTls(),
    upstreams: [makeUpstream('api', { protocol: 'grpc' })],
    inbound: makeInbound({ address: '127.0.0.1', port: 50051, protocol: 'grpc' }),
    certificateProviderInstance: 'switchboard',
    ...over,
  };
}

/** Intentions governing `web`, compiled as the gatherer does for its inbound side. */
function intentionsFor(ixns: Intention[], defaultAllow: boolean, protocol: string): InboundAuthorization {
  return compileIntentions(ixns, { destination: { name: 'web' }, defaultAllow, protocol, trustDomain: TRUST_DOMAIN });
}

const L7_INTENTIONS: Intention[] = [
  ixn('api', 'web', [
    { Action: 'deny', HTTP: { PathExact: '/admin/secret' } },
    { Action: 'allow', HTTP: { PathPrefix: '/admin', Methods: ['GET', 'HEAD'], Header: [{ Name: 'x-debug', Present: true, Invert: true }] } },
    { Action: 'deny', HTTP: { PathRegex: '/v[0-9]+/internal/.*' } },
    { Action: 'allow', HTTP: { Header: [{ Name: 'x-tenant', Regex: 'a|b' }, { Name: 'x-env', Suffix: '-prod' }] } },
  ]),
  ixn('billing', 'web', 'deny'),
  ixn('*', 'web', 'allow'),
];

const sni = (name: string): string => `${name}.default.dc1.internal.${TRUST_DOMAIN}`;

function chainTarget(name: string, service: string, over: Partial<ChainTargetSnapshot> = {}): ChainTargetSnapshot {
  return {
    clusterName: sni(name),
    destination: { service, namespace: 'default', datacenter: 'dc1' },
    connectTimeoutMs: 5000,
    endpoints: [makeEndpoint('10.0.1.2'), makeEndpoint('10.0.1.3', 21000, { health: 'UNHEALTHY' })],
    ...over,
  };
}

/** A chain for `api`: failover from v1 to v2 and to `api-backup`, ring hash on v1, least-request on v2. */
const FAILOVER_TARGETS: ChainTargetSnapshot[] = [
  chainTarget('v1.api', 'api', {
    endpoints: [makeEndpoint('10.0.1.2', 21000, { health: 'UNHEALTHY' })],
    failover: [
      { clusterName: sni('v2.api'), destination: { service: 'api', namespace: 'default', datacenter: 'dc1' }, endpoints: [makeEndpoint('10.0.1.4')] },
      { clusterName: sni('api-backup'), destination: { service: 'api-backup', namespace: 'default', datacenter: 'dc1' }, endpoints: [makeEndpoint('10.0.2.1'), makeEndpoint('10.0.2.2', 21000, { weight: 3 })] },
    ],
    loadBalancer: { policy: 'ring_hash', ringHash: { minimumRingSize: 2048, maximumRingSize: 4096 } },
  }),
  chainTarget('v2.api', 'api', { endpoints: [makeEndpoint('10.0.1.4')], loadBalancer: { policy: 'least_request', leastRequestChoiceCount: 3 } }),
];

/** Routes with every route action the chain translation applies. */
const ACTION_ROUTES: ChainRouteSnapshot[] = [
  {
    match: { pathPrefix: '/admin', headers: [], methods: ['GET'], queryParams: [{ name: 'debug', present: true }, { name: 'tenant', exact: 'a' }, { name: 'v', regex: '[0-9]+' }] },
    splits: [{ clusterName: sni('v2.api'), weight: 10000 }],
    action: {
      timeoutMs: 1500,
      idleTimeoutMs: 30000,
      retry: { numRetries: 3, onConnectFailure: true, on: ['reset', 'deadline-exceeded', '5xx'], statusCodes: [503, 504] },
      prefixRewrite: '/',
      requestHeaders: { add: [['x-added', 'a']], set: [['x-set', 's']], remove: ['x-drop'] },
      responseHeaders: { add: [], set: [['x-served-by', 'v2']], remove: [] },
    },
  },
  {
    match: { pathPrefix: '/', headers: [], methods: [] },
    splits: [
      { clusterName: sni('v1.api'), weight: 9000, requestHeaders: { add: [], set: [['x-version', 'v1']], remove: [] } },
      { clusterName: sni('v2.api'), weight: 1000, responseHeaders: { add: [['x-canary', 'yes']], set: [], remove: ['x-internal'] } },
    ],
    action: {
      timeoutMs: 250,
      retry: { numRetries: 2, onConnectFailure: false, on: [], statusCodes: [] },
      hashPolicies: [
        { field: 'header', fieldValue: 'x-user', terminal: true },
        { field: 'cookie', fieldValue: 'sess', cookie: { ttlMs: 60000, path: '/' } },
        { field: 'cookie', fieldValue: 'tmp', cookie: { session: true } },
        { field: 'query_parameter', fieldValue: 'user' },
        { sourceIp: true },
      ],
    },
  },
];

const CHAIN_FEATURES = { routes: ACTION_ROUTES, targets: FAILOVER_TARGETS };

/** The named golden cases: each a snapshot. */
export const GOLDEN_CASES = {
  'sidecar-tcp-default-deny': makeSidecar(),
  'sidecar-tcp-default-allow': makeSidecar({ inbound: makeInbound({ authorization: { defaultAllow: true } }) }),
  'sidecar-http-two-upstreams': makeSidecar({
    inbound: makeInbound({ protocol: 'http' }),
    upstreams: [
      makeUpstream('api', { protocol: 'http' }),
      makeUpstream('db', { localBindPort: 9192, endpoints: [makeEndpoint('10.0.0.9', 21001, { health: 'UNHEALTHY', weight: 3 })] }),
    ],
  }),
  'sidecar-grpc-upstream-empty': makeSidecar({
    inbound: makeInbound({ protocol: 'grpc' }),
    upstreams: [makeUpstream('api', { protocol: 'grpc', endpoints: [] })],
  }),
  'sidecar-no-upstreams': makeSidecar({ upstreams: [] }),
  'proxyless-client-and-server': makeProxyless(),
  'proxyless-server-allow-all': makeProxyless({
    upstreams: [],
    inbound: makeInbound({ address: '127.0.0.1', port: 50051, protocol: 'grpc', authorization: { defaultAllow: true } }),
  }),
  'proxyless-client-only': makeProxyless({ inbound: undefined }),
  // Intentions compiled into RBAC (destination: web). L4 allow-list / deny-list, L7 allow-list / deny-list.
  'sidecar-tcp-intentions-allow-list': makeSidecar({
    upstreams: [],
    inbound: makeInbound({ authorization: intentionsFor([ixn('*', 'web', 'allow'), ixn('billing', 'web', 'deny'), ixn('db', '*', 'deny')], false, 'tcp') }),
  }),
  'sidecar-tcp-intentions-deny-list': makeSidecar({
    upstreams: [],
    inbound: makeInbound({
      authorization: intentionsFor(
        [ixn('*', 'web', 'deny'), ixn('api', 'web', 'allow'), ixn('admin', 'web', [{ Action: 'allow', HTTP: { PathPrefix: '/' } }])],
        true,
        'tcp',
      ),
    }),
  }),
  'sidecar-http-intentions-l7-allow-list': makeSidecar({
    upstreams: [],
    inbound: makeInbound({ protocol: 'http', authorization: intentionsFor(L7_INTENTIONS, false, 'http') }),
  }),
  'proxyless-grpc-intentions-l7-deny-list': makeProxyless({
    upstreams: [],
    inbound: makeInbound({ address: '127.0.0.1', port: 50051, protocol: 'grpc', authorization: intentionsFor(L7_INTENTIONS, true, 'grpc') }),
  }),
  // Discovery-chain features: failover priorities, balancers, route actions (timeouts, retries, rewrites, hashing, query matches).
  'sidecar-http-chain-features': makeSidecar({
    inbound: makeInbound({ protocol: 'http' }),
    upstreams: [makeUpstream('api', { protocol: 'http', chain: CHAIN_FEATURES })],
  }),
  'proxyless-chain-features': makeProxyless({ inbound: undefined, upstreams: [makeUpstream('api', { protocol: 'grpc', chain: CHAIN_FEATURES })] }),
  // Failover when the primary has no endpoints at all: the first failover group becomes priority 0.
  'proxyless-chain-failover-empty-primary': makeProxyless({
    inbound: undefined,
    upstreams: [
      makeUpstream('api', {
        protocol: 'grpc',
        chain: {
          routes: [{ match: { pathPrefix: '/', headers: [], methods: [] }, splits: [{ clusterName: sni('v1.api'), weight: 10000 }] }],
          targets: [{ ...FAILOVER_TARGETS[0]!, endpoints: [], loadBalancer: { policy: 'maglev' } }],
        },
      }),
    ],
  }),
} as const;
