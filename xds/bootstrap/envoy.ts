/**
 * The Envoy bootstrap `switchboard bootstrap envoy` prints: node identity,
 * admin, a static HTTP/2 cluster to the xDS port, delta ADS with the ACL token
 * as initial metadata, and optionally a Prometheus listener. Output is proto3
 * JSON, as Envoy reads it from `-c`.
 */

/** Everything a sidecar's bootstrap depends on. */
export interface EnvoyBootstrapInput {
  /** node.id: the proxy's registered service ID. */
  proxyId: string;
  /** node.cluster: the service the proxy fronts. */
  serviceName: string;
  namespace: string;
  datacenter: string;
  xdsHost: string;
  xdsPort: number;
  adminHost: string;
  adminPort: number;
  token?: string;
  /** `host:port` for a Prometheus scrape listener. */
  prometheusBind?: { host: string; port: number };
  /** PEM of the CA that signs the xDS server's certificate; when set, ADS runs over TLS. */
  xdsCaPEM?: string;
}

export const XDS_CLUSTER_NAME = 'switchboard_xds';
const ADMIN_CLUSTER_NAME = 'self_admin';

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

function staticCluster(name: string, host: string, port: number, http2: boolean): Record<string, unknown> {
  return {
    name,
    type: isIpLiteral(host) ? 'STATIC' : 'LOGICAL_DNS',
    connect_timeout: '1s',
    ...(http2
      ? {
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
        }
      : {}),
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }],
    },
  };
}

function prometheusListener(bind: { host: string; port: number }): Record<string, unknown> {
  return {
    name: 'envoy_prometheus_metrics_listener',
    address: { socket_address: { address: bind.host, port_value: bind.port } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: 'envoy_prometheus_metrics',
              codec_type: 'HTTP1',
              route_config: {
                name: 'self_admin_route',
                virtual_hosts: [
                  {
                    name: 'self_admin',
                    domains: ['*'],
                    routes: [
                      { match: { path: '/metrics' }, route: { cluster: ADMIN_CLUSTER_NAME, prefix_rewrite: '/stats/prometheus' } },
                      { match: { prefix: '/' }, direct_response: { status: 404 } },
                    ],
                  },
                ],
              },
              http_filters: [
                {
                  name: 'envoy.filters.http.router',
                  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Builds the bootstrap as a proto3-JSON object of `envoy.config.bootstrap.v3.Bootstrap`. */
export function buildEnvoyBootstrap(input: EnvoyBootstrapInput): Record<string, unknown> {
  const xdsCluster = staticCluster(XDS_CLUSTER_NAME, input.xdsHost, input.xdsPort, true);
  if (input.xdsCaPEM) {
    xdsCluster['transport_socket'] = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: { validation_context: { trusted_ca: { inline_string: input.xdsCaPEM } } },
      },
    };
  }
  const clusters = [xdsCluster];
  const listeners: Record<string, unknown>[] = [];
  if (input.prometheusBind) {
    clusters.push(staticCluster(ADMIN_CLUSTER_NAME, input.adminHost, input.adminPort, false));
    listeners.push(prometheusListener(input.prometheusBind));
  }
  const grpcService: Record<string, unknown> = { envoy_grpc: { cluster_name: XDS_CLUSTER_NAME } };
  if (input.token) grpcService['initial_metadata'] = [{ key: 'x-consul-token', value: input.token }];
  return {
    node: {
      id: input.proxyId,
      cluster: input.serviceName,
      metadata: { namespace: input.namespace, datacenter: input.datacenter },
    },
    admin: { address: { socket_address: { address: input.adminHost, port_value: input.adminPort } } },
    static_resources: { clusters, ...(listeners.length > 0 ? { listeners } : {}) },
    dynamic_resources: {
      ads_config: { api_type: 'DELTA_GRPC', transport_api_version: 'V3', grpc_services: [grpcService] },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
  };
}
