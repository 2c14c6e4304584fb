/** `/v1/catalog/*`: register and deregister anything, list nodes and services, blocking reads. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  buildCheck,
  checkType,
  topic,
  type CatalogOp,
  type CheckInput,
  type HealthStatus,
  type ServiceInput,
} from '../catalog/index.ts';
import type { AgentServiceDefinition } from '../catalog/index.ts';
import { blockingReads, setConsistencyHeaders } from './blocking.ts';
import { catalogServiceJson, nodeJson, nodeServiceJson } from './catalog-json.ts';
import { nodeMetaMatcher, throwIfRefused, type CatalogApiDeps } from './catalog-deps.ts';
import { catalogDeregisterSchema, catalogRegisterSchema, listQuerySchema, nameParams } from './catalog-schemas.ts';
import { badRequest } from './errors.ts';
import { filterFromQuery } from './filter-param.ts';

interface ListQuery {
  filter?: string;
  tag?: string[];
  'node-meta'?: string[];
  passing?: string;
  dc?: string;
}

interface CatalogCheckBody {
  Node?: string;
  CheckID?: string;
  Name?: string;
  Notes?: string;
  Status?: HealthStatus;
  Output?: string;
  ServiceID?: string;
  Type?: string;
  Definition?: Record<string, unknown>;
}
interface CatalogRegisterBody {
  ID?: string;
  Node: string;
  Address: string;
  Datacenter?: string;
  TaggedAddresses?: Record<string, string>;
  NodeMeta?: Record<string, string>;
  SkipNodeUpdate?: boolean;
  Service?: Omit<AgentServiceDefinition, 'Name'> & { Service: string };
  Check?: CatalogCheckBody;
  Checks?: CatalogCheckBody[];
}

export const catalogRoutes: FastifyPluginAsync<{ deps: CatalogApiDeps }> = async (app, { deps }) => {
  const { store } = deps;
  const blocking = blockingReads(app, store);
  const checkDc = (dc: string | undefined, field: string): void => {
    if (dc && dc !== deps.datacenter) throw badRequest(`${field}: unknown datacenter "${dc}" (this server serves "${deps.datacenter}")`);
  };

  app.put<{ Body: CatalogRegisterBody }>('/v1/catalog/register', { schema: { body: catalogRegisterSchema } }, async (req) => {
    const b = req.body;
    checkDc(b.Datacenter, 'Datacenter');
    const ops: CatalogOp[] = [];
    const existing = store.getNode(b.Node);
    if (!(b.SkipNodeUpdate && existing)) {
      ops.push({
        op: 'upsertNode',
        node: {
          Node: b.Node,
          ...(b.ID ? { ID: b.ID } : {}),
          Address: b.Address,
          Datacenter: deps.datacenter,
          TaggedAddresses: b.TaggedAddresses ?? {},
          Meta: b.NodeMeta ?? {},
        },
      });
    }
    if (b.Service) ops.push({ op: 'upsertService', node: b.Node, service: toCatalogService(b.Service) });
    const checks = b.Checks ?? (b.Check ? [b.Check] : []);
    checks.forEach((c, i) => ops.push({ op: 'upsertCheck', check: toCatalogCheck(b.Node, c, b.Checks ? `Checks[${i}]` : 'Check') }));
    throwIfRefused(await store.apply(ops));
    return true;
  });

  app.put<{ Body: { Node: string; Datacenter?: string; ServiceID?: string; CheckID?: string } }>(
    '/v1/catalog/deregister',
    { schema: { body: catalogDeregisterSchema } },
    async (req) => {
      const b = req.body;
      checkDc(b.Datacenter, 'Datacenter');
      const ops: CatalogOp[] = [];
      if (b.ServiceID) ops.push({ op: 'deleteService', node: b.Node, serviceId: b.ServiceID });
      if (b.CheckID) ops.push({ op: 'deleteCheck', node: b.Node, checkId: b.CheckID });
      if (!b.ServiceID && !b.CheckID) ops.push({ op: 'deleteNode', node: b.Node });
      throwIfRefused(await store.apply(ops));
      return true;
    },
  );

  app.get('/v1/catalog/datacenters', async (_req, reply) => {
    setConsistencyHeaders(reply, store.currentIndex());
    return [deps.datacenter];
  });

  app.get<{ Querystring: ListQuery }>('/v1/catalog/nodes', { schema: { querystring: listQuerySchema } }, async (req, reply) => {
    const keep = filterFromQuery(req.query.filter);
    const meta = nodeMetaMatcher(req.query['node-meta']);
    return blocking(req, reply, () => ({
      topics: [topic.table('nodes')],
      body: store.listNodes().filter((n) => meta(n.Meta)).map(nodeJson).filter(keep),
    }));
  });

  app.get<{ Querystring: ListQuery }>('/v1/catalog/services', { schema: { querystring: listQuerySchema } }, async (req, reply) => {
    const keep = filterFromQuery(req.query.filter);
    const meta = nodeMetaMatcher(req.query['node-meta']);
    const plain = !req.query.filter && !req.query['node-meta'];
    return blocking(req, reply, () => {
      const out: Record<string, string[]> = {};
      for (const [name, tags] of store.listServiceNames()) {
        if (plain) {
          out[name] = tags;
          continue;
        }
        // With a filter or node-meta, a name is listed when one of its instances matches.
        const tagSet = new Set<string>();
        let any = false;
        for (const s of store.listServiceInstances(name)) {
          const node = store.getNode(s.Node);
          if (!node || !meta(node.Meta) || !keep(catalogServiceJson(node, s))) continue;
          any = true;
          for (const t of s.Tags) tagSet.add(t);
        }
        if (any) out[name] = [...tagSet].sort();
      }
      return { topics: [topic.table('services'), ...(plain ? [] : [topic.table('nodes')])], body: out };
    });
  });

  type ByService = FastifyRequest<{ Params: { service: string }; Querystring: ListQuery }>;
  const listService = (req: ByService, reply: FastifyReply, connect: boolean): Promise<unknown> => {
    const keep = filterFromQuery(req.query.filter);
    const meta = nodeMetaMatcher(req.query['node-meta']);
    const tags = req.query.tag ?? [];
    const name = req.params.service;
    return blocking(req, reply, () => {
      const instances = connect ? store.listConnectInstances(name) : store.listServiceInstances(name);
      const rows: Record<string, unknown>[] = [];
      for (const s of instances) {
        if (!tags.every((t) => s.Tags.includes(t))) continue;
        const node = store.getNode(s.Node);
        if (!node || !meta(node.Meta)) continue;
        const row = catalogServiceJson(node, s);
        if (keep(row)) rows.push(row);
      }
      return { topics: [connect ? topic.connect(name) : topic.service(name)], body: rows };
    });
  };
  const byService = { schema: { params: nameParams('service'), querystring: listQuerySchema } };
  app.get('/v1/catalog/service/:service', byService, (req: ByService, reply) => listService(req, reply, false));
  app.get('/v1/catalog/connect/:service', byService, (req: ByService, reply) => listService(req, reply, true));

  app.get<{ Params: { node: string }; Querystring: ListQuery }>(
    '/v1/catalog/node/:node',
    { schema: { params: nameParams('node'), querystring: listQuerySchema } },
    async (req, reply) => {
      const keep = filterFromQuery(req.query.filter);
      return blocking(req, reply, () => {
        const node = store.getNode(req.params.node);
        if (!node) return { topics: [topic.node(req.params.node)], body: null };
        const services: Record<string, unknown> = {};
        for (const s of store.listServicesOnNode(node.Node)) {
          const json = nodeServiceJson(s);
          if (keep(json)) services[s.ID] = json;
        }
        return { topics: [topic.node(node.Node)], body: { Node: nodeJson(node), Services: services } };
      });
    },
  );
};

function toCatalogService(s: NonNullable<CatalogRegisterBody['Service']>): ServiceInput {
  if (s.Kind === 'connect-proxy' && !s.Proxy?.DestinationServiceName) {
    throw badRequest('Service.Proxy.DestinationServiceName: required for a connect-proxy');
  }
  const out: ServiceInput = {
    ID: s.ID || s.Service,
    Service: s.Service,
    Tags: s.Tags ?? [],
    Address: s.Address ?? '',
    Port: s.Port ?? 0,
    Meta: s.Meta ?? {},
    Weights: { Passing: s.Weights?.Passing ?? 1, Warning: s.Weights?.Warning ?? 1 },
  };
  if (s.Kind) out.Kind = s.Kind;
  if (s.EnableTagOverride !== undefined) out.EnableTagOverride = s.EnableTagOverride;
  if (s.TaggedAddresses) out.TaggedAddresses = s.TaggedAddresses;
  if (s.Proxy?.DestinationServiceName) out.Proxy = { ...s.Proxy, DestinationServiceName: s.Proxy.DestinationServiceName };
  if (s.Connect?.Native) out.Connect = { Native: true };
  return out;
}

/** A catalog-registered check: externally managed unless its definition names a way to run it. */
function toCatalogCheck(node: string, c: CatalogCheckBody, field: string): CheckInput {
  if (c.Node && c.Node !== node) throw badRequest(`${field}.Node: "${c.Node}" does not match the registered Node "${node}"`);
  const id = c.CheckID || c.Name;
  if (!id) throw badRequest(`${field}.CheckID: missing check ID (or Name)`);
  const def = c.Definition ?? {};
  let definition: CheckInput['Definition'] = {};
  let type = c.Type ?? '';
  if (checkType(def)) {
    const built = buildCheck({ ...def, CheckID: id, Name: c.Name ?? id }, { node, field: `${field}.Definition` });
    if (!built.ok) throw badRequest(built.errors.join('; '));
    definition = built.value.Definition;
    type = built.value.Type;
  }
  return {
    Node: node,
    CheckID: id,
    Name: c.Name ?? id,
    Status: c.Status ?? 'critical',
    Notes: c.Notes ?? '',
    Output: c.Output ?? '',
    ServiceID: c.ServiceID ?? '',
    ServiceName: '',
    ServiceTags: [],
    Type: type,
    Definition: definition,
  };
}
