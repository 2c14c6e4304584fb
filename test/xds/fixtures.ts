/** Small builders of Envoy resources for xDS tests (plain objects, keepCase field names). */
import type { ResourceObject } from '../../xds/index.ts';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

/** An EDS cluster whose endpoints come over ADS. */
export function makeCluster(name: string, opts: { connectTimeoutSeconds?: number } = {}): ResourceObject {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: { seconds: opts.connectTimeoutSeconds ?? 1 },
    lb_policy: 'ROUND_ROBIN',
  };
}

/** A ClusterLoadAssignment with one locality holding the given host:port endpoints. */
export function makeEndpoints(clusterName: string, endpoints: ReadonlyArray<{ host: string; port: number }>): ResourceObject {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        locality: { region: 'dc1', zone: 'a' },
        load_balancing_weight: { value: 1 },
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: { socket_address: { address: e.host, port_value: e.port } } },
        })),
      },
    ],
  };
}

/** A client-side (api_listener) Listener whose HCM fetches route `routeName` over ADS. */
export function makeListener(name: string, routeName: string): ResourceObject {
  return {
    name,
    api_listener: {
      api_listener: {
        '@type': HCM,
        stat_prefix: name,
        rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
      },
    },
  };
}

/** A RouteConfiguration sending every request to `cluster`. */
export function makeRoute(name: string, cluster: string, domains: string[] = ['*']): ResourceObject {
  return {
    name,
    virtual_hosts: [{ name: `${name}-vh`, domains, routes: [{ match: { prefix: '' }, route: { cluster } }] }],
  };
}

/** A TLS certificate secret with inline PEM text. */
export function makeSecret(name: string, pem = 'CERT'): ResourceObject {
  return { name, tls_certificate: { certificate_chain: { inline_string: pem }, private_key: { inline_string: 'KEY' } } };
}
