/**
 * `/v1/agent/*`: the server is also the agent of its own node. Services and
 * checks registered here live on that node in the store, so they survive a
 * restart like everything else.
 */
import { hostname } from 'node:os';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  buildCheck,
  maintenanceCheckId,
  planServiceRegistration,
  topic,
  type AgentCheckDefinition,
  type AgentServiceDefinition,
  type CatalogOp,
  type HealthStatus,
} from '../catalog/index.ts';
import { blockingReads } from './blocking.ts';
import { agentServiceJson, checkJson } from './catalog-json.ts';
import { throwIfRefused, type CatalogApiDeps } from './catalog-deps.ts';
import { agentCheckRegisterSchema, agentServiceSchema, checkUpdateSchema, listQuerySchema, nameParams } from './catalog-schemas.ts';
import { badRequest, notFound } from './errors.ts';
import { filterFromQuery, filterMap } from './filter-param.ts';

const DEFAULT_MAINTENANCE_REASON = 'Maintenance mode is enabled for this service, but no reason was provided.';
const VERSION = '1.21.0';

export const agentRoutes: FastifyPluginAsync<{ deps: CatalogApiDeps }> = async (app, { deps }) => {
  const { store, agent } = deps;
  const blocking = blockingReads(app, store);
  const self = agent.node;
  const unknownService = (id: string): Error => notFound(`Unknown service ID "${id}": pass the service ID, not the name`);
  const unknownCheck = (id: string): Error => notFound(`Unknown check ID "${id}"`);

  app.put<{ Body: AgentServiceDefinition }>('/v1/agent/service/register', { schema: { body: agentServiceSchema } }, async (req, reply) => {
    const plan = planServiceRegistration(store, self, req.body);
    if (!plan.ok) throw badRequest(plan.errors.join('; '));
    throwIfRefused(await store.apply(plan.value));
    return reply.send();
  });

  app.put<{ Params: { id: string } }>('/v1/agent/service/deregister/:id', { schema: { params: nameParams('id') } }, async (req, reply) => {
    const id = req.params.id;
    if (!store.getService(self, id)) throw unknownService(id);
    const ops: CatalogOp[] = [{ op: 'deleteService', node: self, serviceId: id }];
    // A sidecar registered with its parent goes with it.
    for (const s of store.listServicesOnNode(self)) {
      if (s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceID === id && s.ID === `${id}-sidecar-proxy`) {
        ops.push({ op: 'deleteService', node: self, serviceId: s.ID });
      }
    }
    throwIfRefused(await store.apply(ops));
    return reply.send();
  });

  app.get<{ Querystring: { filter?: string } }>('/v1/agent/services', { schema: { querystring: listQuerySchema } }, (req, reply) => {
    const keep = filterFromQuery(req.query.filter);
    return blocking(req, reply, () => {
      const out: Record<string, unknown> = {};
      for (const s of store.listServicesOnNode(self)) out[s.ID] = agentServiceJson(s, deps.datacenter);
      return { topics: [topic.node(self)], body: filterMap(out, keep) };
    });
  });

  app.get<{ Params: { id: string } }>(
    '/v1/agent/service/:id',
    { schema: { params: nameParams('id'), querystring: listQuerySchema } },
    (req, reply) =>
      blocking(req, reply, () => {
        const s = store.getService(self, req.params.id);
        if (!s) throw unknownService(req.params.id);
        return { topics: [topic.node(self)], body: agentServiceJson(s, deps.datacenter) };
      }),
  );

  app.get<{ Querystring: { filter?: string } }>('/v1/agent/checks', { schema: { querystring: listQuerySchema } }, (req, reply) => {
    const keep = filterFromQuery(req.query.filter);
    return blocking(req, reply, () => {
      const out: Record<string, unknown> = {};
      for (const c of store.listChecks({ node: self })) out[c.CheckID] = checkJson(c);
      return { topics: [topic.node(self)], body: filterMap(out, keep) };
    });
  });

  app.put<{ Body: AgentCheckDefinition }>('/v1/agent/check/register', { schema: { body: agentCheckRegisterSchema } }, async (req, reply) => {
    const def = req.body;
    const svc = def.ServiceID ? store.getService(self, def.ServiceID) : undefined;
    if (def.ServiceID && !svc) throw badRequest(`ServiceID: service "${def.ServiceID}" is not registered with this agent`);
    const built = buildCheck(def, { node: self, field: 'Check', serviceName: svc?.Service, defaultId: def.Name });
    if (!built.ok) throw badRequest(built.errors.join('; '));
    const old = store.getCheck(self, built.value.CheckID);
    // Re-registering a check keeps its last status unless the definition sets one.
    const check = old && def.Status === undefined ? { ...built.value, Status: old.Status, Output: old.Output } : built.value;
    throwIfRefused(await store.apply([{ op: 'upsertCheck', check }]));
    return reply.send();
  });

  app.put<{ Params: { id: string } }>('/v1/agent/check/deregister/:id', { schema: { params: nameParams('id') } }, async (req, reply) => {
    if (!store.getCheck(self, req.params.id)) throw unknownCheck(req.params.id);
    throwIfRefused(await store.apply([{ op: 'deleteCheck', node: self, checkId: req.params.id }]));
    return reply.send();
  });

  const setTtl = async (reply: FastifyReply, id: string, status: HealthStatus, output: string): Promise<FastifyReply> => {
    const c = store.getCheck(self, id);
    if (!c) throw unknownCheck(id);
    if (c.Type !== 'ttl') throw badRequest(`Check "${id}" is a ${c.Type || 'catalog'} check, not a TTL check: only TTL checks are updated this way`);
    const written = deps.updateTTL
      ? await deps.updateTTL(id, status, output)
      : await store.apply([{ op: 'setCheckStatus', node: self, checkId: id, status, output }]);
    throwIfRefused(written, true);
    return reply.send();
  };
  const ttlRoute = { schema: { params: nameParams('id'), querystring: { type: 'object', properties: { note: { type: 'string' } } } } };
  for (const [verb, status] of [['pass', 'passing'], ['warn', 'warning'], ['fail', 'critical']] as const) {
    app.put<{ Params: { id: string }; Querystring: { note?: string } }>(`/v1/agent/check/${verb}/:id`, ttlRoute, (req, reply) =>
      setTtl(reply, req.params.id, status, req.query.note ?? ''),
    );
  }
  app.put<{ Params: { id: string }; Body: { Status: HealthStatus; Output?: string } }>(
    '/v1/agent/check/update/:id',
    { schema: { params: nameParams('id'), body: checkUpdateSchema } },
    (req, reply) => setTtl(reply, req.params.id, req.body.Status, req.body.Output ?? ''),
  );

  app.put<{ Params: { id: string }; Querystring: { enable?: string; reason?: string } }>(
    '/v1/agent/service/maintenance/:id',
    {
      schema: {
        params: nameParams('id'),
        querystring: { type: 'object', properties: { enable: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const { enable, reason } = req.query;
      if (enable === undefined || enable === '') throw badRequest('Missing value for enable');
      if (enable !== 'true' && enable !== 'false') throw badRequest(`Invalid value for enable: "${enable}" (expected true or false)`);
      const svc = store.getService(self, req.params.id);
      if (!svc) throw unknownService(req.params.id);
      const checkId = maintenanceCheckId(svc.ID);
      const op: CatalogOp =
        enable === 'true'
          ? {
              op: 'upsertCheck',
              check: {
                Node: self, CheckID: checkId, Name: 'Service Maintenance Mode', Status: 'critical',
                Notes: reason || DEFAULT_MAINTENANCE_REASON, Output: '', ServiceID: svc.ID, ServiceName: svc.Service,
                ServiceTags: svc.Tags, Type: 'maintenance', Definition: {},
              },
            }
          : { op: 'deleteCheck', node: self, checkId };
      throwIfRefused(await store.apply([op]));
      return reply.send();
    },
  );

  const member = () => ({
    Name: self, Addr: agent.address, Port: 8301,
    Tags: { role: 'consul', dc: deps.datacenter, build: VERSION, vsn: '2', port: '8300' },
    Status: 1, ProtocolMin: 1, ProtocolMax: 5, ProtocolCur: 2, DelegateMin: 2, DelegateMax: 5, DelegateCur: 4,
  });
  app.get('/v1/agent/self', async () => {
    const node = store.getNode(self);
    return {
      Config: { Datacenter: deps.datacenter, NodeName: self, NodeID: node?.ID ?? '', Server: true, Revision: '', Version: VERSION },
      Member: member(),
      Meta: node?.Meta ?? {},
      Stats: { host: { hostname: hostname() } },
    };
  });
  app.get('/v1/agent/members', async () => [member()]);
};
