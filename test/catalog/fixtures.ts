/** Small builders for catalog records used by the catalog and API tests. */
import type { CatalogOp, CheckInput, NodeInput, ServiceInput } from '../../catalog/index.ts';

export function makeNode(name: string, over: Partial<NodeInput> = {}): NodeInput {
  return { Node: name, Address: '10.0.0.1', Datacenter: 'dc1', ...over };
}

export function makeService(id: string, over: Partial<ServiceInput> = {}): ServiceInput {
  return { ID: id, Service: id, Tags: [], Address: '', Port: 8080, Meta: {}, Weights: { Passing: 1, Warning: 1 }, ...over };
}

export function makeCheck(node: string, id: string, over: Partial<CheckInput> = {}): CheckInput {
  return {
    Node: node, CheckID: id, Name: id, Status: 'passing', Notes: '', Output: '', ServiceID: '', ServiceName: '',
    ServiceTags: [], Type: 'ttl', Definition: { TTL: '30s' }, ...over,
  };
}

/** Ops registering a node with one service instance on it. */
export function nodeWithService(node: string, svc: ServiceInput): CatalogOp[] {
  return [
    { op: 'upsertNode', node: makeNode(node) },
    { op: 'upsertService', node, service: svc },
  ];
}
