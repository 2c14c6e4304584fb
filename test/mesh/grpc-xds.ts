/**
 * grpc-js-xds, loaded with RBAC enabled: the library reads
 * GRPC_XDS_EXPERIMENTAL_RBAC once, when its environment module is first
 * evaluated, so the variable is set before the (dynamic) import. Without it
 * every Listener carrying an RBAC filter is NACKed.
 */
process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';

/** The grpc-js-xds module, with its resolver and load balancers registered. */
export const grpcXds = await import('@grpc/grpc-js-xds');
grpcXds.register();
