/** Names used in a compiled chain, following Consul's formats. */

export interface TargetAddress {
  service: string;
  subset: string;
  namespace: string;
  partition: string;
  datacenter: string;
}

/** Target ID (and resolver node name): `[<subset>.]<service>.<namespace>.<partition>.<datacenter>`. */
export function targetId(t: TargetAddress): string {
  return `${t.subset ? `${t.subset}.` : ''}${t.service}.${t.namespace}.${t.partition}.${t.datacenter}`;
}

/** Router and splitter node names: `<service>.<namespace>.<partition>` (they do not depend on the datacenter). */
export function serviceNodeName(service: string, namespace: string, partition: string): string {
  return `${service}.${namespace}.${partition}`;
}

/** Upstream SNI: `[<subset>.]<service>.<namespace>.<datacenter>.internal.<trust-domain>` (default partition). */
export function targetSni(t: TargetAddress, trustDomain: string): string {
  return `${t.subset ? `${t.subset}.` : ''}${t.service}.${t.namespace}.${t.datacenter}.internal.${trustDomain}`;
}

export const routerKey = (name: string): string => `router:${name}`;
export const splitterKey = (name: string): string => `splitter:${name}`;
export const resolverKey = (id: string): string => `resolver:${id}`;
