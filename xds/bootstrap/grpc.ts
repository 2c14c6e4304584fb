/**
 * The bootstrap a proxyless gRPC service reads from GRPC_XDS_BOOTSTRAP. It is
 * gRPC's own JSON format (not a proto); the facts it follows are in
 * NOTES-grpc-xds.md: node.locality must be present, servers need the listener
 * name template, certificates come from a file_watcher provider.
 */

/** Everything a proxyless service's bootstrap depends on. */
export interface GrpcBootstrapInput {
  serviceId: string;
  serviceName: string;
  namespace: string;
  datacenter: string;
  /** `host:port` of the xDS server. */
  xdsServerUri: string;
  /** Folder holding cert.pem, key.pem and roots.pem. */
  certDir: string;
  /** Certificate provider instance name the resources refer to. */
  certificateProviderInstance: string;
  /** PEM CA file path when the xDS port uses TLS. */
  xdsCaFile?: string;
}

/** The certificate provider instance name Switchboard's proxyless resources refer to. */
export const GRPC_CERT_PROVIDER_INSTANCE = 'switchboard';

/** File names inside the cert dir. */
export const GRPC_CERT_FILES = { cert: 'cert.pem', key: 'key.pem', roots: 'roots.pem' } as const;

/** The template gRPC servers fill with their listening address. */
export const GRPC_SERVER_LISTENER_TEMPLATE = 'grpc/server?xds.resource.listening_address=%s';

/** Builds gRPC's xDS bootstrap JSON object. */
export function buildGrpcBootstrap(input: GrpcBootstrapInput): Record<string, unknown> {
  const join = (f: string): string => `${input.certDir.replace(/\/+$/, '')}/${f}`;
  return {
    xds_servers: [
      {
        server_uri: input.xdsServerUri,
        channel_creds: input.xdsCaFile
          ? [{ type: 'tls', config: { ca_certificate_file: input.xdsCaFile } }]
          : [{ type: 'insecure' }],
        server_features: ['xds_v3', 'ignore_resource_deletion'],
      },
    ],
    node: {
      id: input.serviceId,
      cluster: input.serviceName,
      locality: {},
      metadata: { proxyless: true, namespace: input.namespace, datacenter: input.datacenter },
    },
    server_listener_resource_name_template: GRPC_SERVER_LISTENER_TEMPLATE,
    certificate_providers: {
      [input.certificateProviderInstance]: {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: join(GRPC_CERT_FILES.cert),
          private_key_file: join(GRPC_CERT_FILES.key),
          ca_certificate_file: join(GRPC_CERT_FILES.roots),
          refresh_interval: '1s',
        },
      },
    },
  };
}
