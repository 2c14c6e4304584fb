/** The DNS view of the catalog store: non-critical instances and nodes, names matched case-insensitively. */
import { healthyInstances, type CatalogStore } from '../catalog/index.ts';
import type { DnsCatalog, DnsInstance, DnsNode } from './types.ts';

/** Builds a DnsCatalog over the store. Case-folding maps are rebuilt only when the store's index moves. */
export function storeDnsCatalog(store: CatalogStore): DnsCatalog {
  let builtAt = -1;
  let services = new Map<string, string>();
  let nodes = new Map<string, string>();
  const refresh = (): void => {
    const index = store.currentIndex();
    if (index === builtAt) return;
    services = new Map([...store.listServiceNames().keys()].map((n) => [n.toLowerCase(), n]));
    nodes = new Map(store.listNodes().map((n) => [n.Node.toLowerCase(), n.Node]));
    builtAt = index;
  };
  return {
    serviceInstances(service, opts): DnsInstance[] {
      refresh();
      const name = services.get(service.toLowerCase()) ?? service;
      const tag = opts.tag?.toLowerCase();
      return healthyInstances(store, name, { connect: opts.connect })
        .filter((i) => tag === undefined || i.tags.some((t) => t.toLowerCase() === tag))
        .map((i) => {
          const svc = store.getService(i.node, i.serviceId);
          const weights = svc?.Weights;
          const weight = i.status === 'warning' ? weights?.Warning : weights?.Passing;
          return {
            Node: i.node,
            NodeAddress: i.nodeAddress,
            ServiceAddress: svc?.Address ?? '',
            ServicePort: i.port,
            Tags: i.tags,
            Weight: weight && weight > 0 ? weight : 1,
          };
        });
    },
    node(name): DnsNode | undefined {
      refresh();
      const n = store.getNode(nodes.get(name.toLowerCase()) ?? name);
      return n ? { Node: n.Node, Address: n.Address } : undefined;
    },
  };
}
