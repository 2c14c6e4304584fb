/**
 * The per-proxy shape the memory probe serves: the sidecar of one instance of
 * one of S services, with 10 upstreams — 11 clusters (local_app + 10 EDS), 10
 * endpoint sets, 11 listeners (public + one per upstream), 2 secrets (the
 * service's leaf, the roots). Clusters, endpoint sets, upstream listeners and
 * secrets are shared between proxies as they are in a real mesh; the public
 * listener carries the instance's address and is the proxy's own.
 * Deterministic, so the client process derives the same names.
 */
import type { ResourceObject, SnapshotInput } from '../../../xds/index.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE } from '../../../xds/index.ts';

const TRUST = '7f3c1a52-9b0e-4d7a-8c1e-2b5f6a9d0e41.consul';
const TCP_PROXY = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const SERVICES = 400;
export const UPSTREAMS = 10;

/** The node id of proxy `i`. */
export function nodeIdOf(i: number): string {
  return `${serviceOf(i)}-${i}-sidecar-proxy`;
}

function serviceOf(i: number): string {
  return `svc-${String(i % SERVICES).padStart(4, '0')}`;
}

function upstreamsOf(i: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < UPSTREAMS; k++) out.push(serviceOf((i * 7 + k * 13 + 1) % SERVICES));
  return [...new Set(out)];
}

function sni(service: string): string {
  return `${service}.default.dc1.internal.${TRUST}`;
}

/** The names proxy `i` subscribes to explicitly (EDS and SDS). */
export function namedSubscriptions(i: number): { endpoints: string[]; secrets: string[] } {
  return { endpoints: upstreamsOf(i).map(sni), secrets: [`leaf:${serviceOf(i)}`, 'roots'] };
}

function tcpListener(name: string, address: string, port: number, cluster: string): ResourceObject {
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP_PROXY, stat_prefix: name, cluster } }] }],
  };
}

const shared = new Map<string, ResourceObject>();
function once(key: string, make: () => ResourceObject): ResourceObject {
  let o = shared.get(key);
  if (!o) shared.set(key, (o = make()));
  return o;
}

/** Proxy `i`'s snapshot. */
export function snapshotOf(i: number): SnapshotInput {
  const svc = serviceOf(i);
  const ups = upstreamsOf(i);
  const clusters: ResourceObject[] = [
    once(`local:${svc}`, () => ({
      name: 'local_app',
      type: 'STATIC',
      connect_timeout: { seconds: 5 },
      load_assignment: { cluster_name: 'local_app', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } }] }] },
    })),
    ...ups.map((u) => once(`c:${u}`, () => ({ name: sni(u), type: 'EDS', eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } }, connect_timeout: { seconds: 5 } }))),
  ];
  const endpoints = ups.map((u, k) =>
    once(`e:${u}`, () => ({
      cluster_name: sni(u),
      endpoints: [{ lb_endpoints: [1, 2, 3, 4, 5].map((n) => ({ endpoint: { address: { socket_address: { address: `10.1.${(k * 5 + n) % 250}.${n}`, port_value: 20000 } } } })) }],
    })),
  );
  const addr = `10.0.${Math.floor(i / 250) % 250}.${i % 250}`;
  const listeners = [
    tcpListener(`public_listener:${addr}:20000`, addr, 20000, 'local_app'),
    ...ups.map((u, k) => once(`l:${u}:${k}`, () => tcpListener(`${u}:127.0.0.1:${9001 + k}`, '127.0.0.1', 9001 + k, sni(u)))),
  ];
  const secrets = [
    once(`leaf:${svc}`, () => ({ name: `leaf:${svc}`, tls_certificate: { certificate_chain: { inline_string: `CERT ${svc} ${'x'.repeat(600)}` }, private_key: { inline_string: 'KEY'.repeat(80) } } })),
    once('roots', () => ({ name: 'roots', validation_context: { trusted_ca: { inline_string: `ROOTS ${'y'.repeat(700)}` } } })),
  ];
  return { [CLUSTER_TYPE]: clusters, [ENDPOINT_TYPE]: endpoints, [LISTENER_TYPE]: listeners, [SECRET_TYPE]: secrets };
}
