/** Route configurations: one per HTTP-family upstream, named by the upstream ID. */
import { clusterSni } from '../snapshot/names.ts';
import { assertNever, isHttpProtocol, type ProxySnapshot, type UpstreamSnapshot } from '../snapshot/types.ts';
import { byName, type BuiltResource } from './common.ts';

function upstreamRoute(trustDomain: string, u: UpstreamSnapshot): BuiltResource {
  return {
    name: u.id,
    resource: {
      name: u.id,
      virtual_hosts: [
        {
          name: u.id,
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, route: { cluster: clusterSni(trustDomain, u.destination) } }],
        },
      ],
    },
  };
}

/** Every route configuration of a proxy, sorted by name. gRPC is HTTP/2, so every proxyless upstream has one. */
export function buildRoutes(s: ProxySnapshot): BuiltResource[] {
  switch (s.kind) {
    case 'connect-proxy':
      return s.upstreams.filter((u) => isHttpProtocol(u.protocol)).map((u) => upstreamRoute(s.tls.trustDomain, u)).sort(byName);
    case 'grpc-proxyless':
      return s.upstreams.map((u) => upstreamRoute(s.tls.trustDomain, u)).sort(byName);
    default:
      return assertNever(s);
  }
}
