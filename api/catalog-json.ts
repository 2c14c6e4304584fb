/** Consul's JSON shapes for catalog records as the HTTP API answers them. */
import type { CheckRecord, NodeRecord, ServiceRecord } from '../catalog/index.ts';

/** A node as `/v1/catalog/nodes` and health entries show it. */
export function nodeJson(n: NodeRecord): Record<string, unknown> {
  return {
    ID: n.ID ?? '',
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: n.TaggedAddresses ?? {},
    Meta: n.Meta ?? {},
    CreateIndex: n.CreateIndex,
    ModifyIndex: n.ModifyIndex,
  };
}

/** A service instance as health entries and `/v1/catalog/node` show it (Consul's NodeService). */
export function nodeServiceJson(s: ServiceRecord): Record<string, unknown> {
  return {
    Kind: s.Kind ?? '',
    ID: s.ID,
    Service: s.Service,
    Tags: s.Tags,
    Address: s.Address,
    TaggedAddresses: s.TaggedAddresses ?? {},
    Meta: s.Meta,
    Port: s.Port,
    Weights: s.Weights,
    EnableTagOverride: s.EnableTagOverride ?? false,
    ...(s.Proxy ? { Proxy: s.Proxy } : {}),
    ...(s.Connect ? { Connect: s.Connect } : {}),
    CreateIndex: s.CreateIndex,
    ModifyIndex: s.ModifyIndex,
  };
}

/** A service instance as the agent shows its own services (no indexes, with the datacenter). */
export function agentServiceJson(s: ServiceRecord, datacenter: string): Record<string, unknown> {
  const { CreateIndex: _c, ModifyIndex: _m, ...rest } = nodeServiceJson(s);
  return { ...rest, Datacenter: datacenter };
}

/** One row of `/v1/catalog/service/:name`: instance fields flattened beside its node's. */
export function catalogServiceJson(n: NodeRecord, s: ServiceRecord): Record<string, unknown> {
  return {
    ID: n.ID ?? '',
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: n.TaggedAddresses ?? {},
    NodeMeta: n.Meta ?? {},
    ServiceKind: s.Kind ?? '',
    ServiceID: s.ID,
    ServiceName: s.Service,
    ServiceTags: s.Tags,
    ServiceAddress: s.Address,
    ServiceTaggedAddresses: s.TaggedAddresses ?? {},
    ServiceWeights: s.Weights,
    ServiceMeta: s.Meta,
    ServicePort: s.Port,
    ServiceEnableTagOverride: s.EnableTagOverride ?? false,
    ...(s.Proxy ? { ServiceProxy: s.Proxy } : {}),
    ...(s.Connect ? { ServiceConnect: s.Connect } : {}),
    CreateIndex: s.CreateIndex,
    ModifyIndex: s.ModifyIndex,
  };
}

/** A check as every endpoint shows it. */
export function checkJson(c: CheckRecord): Record<string, unknown> {
  return { ...c };
}
