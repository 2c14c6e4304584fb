/** Names that follow Consul's conventions, so Consul-era tools and dashboards keep working. */
import type { ServiceIdentity } from './types.ts';

/** SPIFFE ID of a service: `spiffe://<td>/ns/<ns>/dc/<dc>/svc/<service>`. */
export function spiffeId(trustDomain: string, id: ServiceIdentity): string {
  return `spiffe://${trustDomain}/ns/${id.namespace}/dc/${id.datacenter}/svc/${id.service}`;
}

/** Upstream cluster name = SNI: `[<subset>.]<service>.<ns>.<dc>.internal.<td>`. */
export function clusterSni(trustDomain: string, id: ServiceIdentity, subset?: string): string {
  const base = `${id.service}.${id.namespace}.${id.datacenter}.internal.${trustDomain}`;
  return subset ? `${subset}.${base}` : base;
}

/** Inbound listener name: `public_listener:<addr>:<port>`. */
export function publicListenerName(address: string, port: number): string {
  return `public_listener:${address}:${port}`;
}

/** Outbound listener name: `<upstream-id>:<addr>:<port>`. */
export function upstreamListenerName(upstreamId: string, address: string, port: number): string {
  return `${upstreamId}:${address}:${port}`;
}

/** The static cluster that points at the application behind a sidecar. */
export const LOCAL_APP_CLUSTER = 'local_app';

/**
 * SDS name of the proxy's own leaf certificate. A proxy carries exactly one
 * identity, so the name is the same for every proxy (the content differs):
 * a cluster that references it is then the same resource for every proxy with
 * that upstream, whatever service the proxy fronts, and is built, validated and
 * encoded once for all of them.
 */
export const LEAF_SECRET_NAME = 'leaf';

/** SDS name of the trusted roots (the same for every proxy of a trust domain). */
export const ROOTS_SECRET_NAME = 'ca-roots';

/** The Listener name gRPC's XdsServer asks for when bound to `host:port`. */
export function grpcServerListenerName(address: string, port: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return `grpc/server?xds.resource.listening_address=${host}:${port}`;
}
