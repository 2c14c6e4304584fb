/** Small builders of ProxySnapshots for the golden and validation tests. */
import { compileIntentions, type Intention } from '../../policy/index.ts';
import type {
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
} as const;
