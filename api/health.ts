/** `/v1/health/*`: instances with their checks, checks by service, node and state; blocking reads. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isHealthStatus, serviceHealth, serviceTopics, topic } from '../catalog/index.ts';
import { blockingReads } from './blocking.ts';
import { checkJson, nodeJson, nodeServiceJson } from './catalog-json.ts';
import { nodeMetaMatcher, type CatalogApiDeps } from './catalog-deps.ts';
import { listQuerySchema, nameParams } from './catalog-schemas.ts';
import { badRequest } from './errors.ts';
import { filterFromQuery } from './filter-param.ts';

interface HealthQuery {
  filter?: string;
  tag?: string[];
  'node-meta'?: string[];
  passing?: string;
}

/** `?passing`, `?passing=true` and `?passing=1` ask for passing only; `false`/`0` do not. */
export function wantsPassing(v: string | undefined): boolean {
  if (v === undefined) return false;
  const s = v.toLowerCase();
  if (s === '' || s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw badRequest(`Invalid value for "passing": "${v}" (expected true or false)`);
}

export const healthRoutes: FastifyPluginAsync<{ deps: CatalogApiDeps }> = async (app, { deps }) => {
  const { store } = deps;
  const blocking = blockingReads(app, store);
  type ByService = FastifyRequest<{ Params: { service: string }; Querystring: HealthQuery }>;

  const serviceEntries = (req: ByService, reply: FastifyReply, connect: boolean): Promise<unknown> => {
    const keep = filterFromQuery(req.query.filter);
    const meta = nodeMetaMatcher(req.query['node-meta']);
    const passing = wantsPassing(req.query.passing);
    const name = req.params.service;
    return blocking(req, reply, () => ({
      topics: serviceTopics(name, connect),
      body: serviceHealth(store, name, { connect, passing, tags: req.query.tag })
        .filter((e) => meta(e.Node.Meta))
        .map((e) => ({ Node: nodeJson(e.Node), Service: nodeServiceJson(e.Service), Checks: e.Checks.map(checkJson) }))
        .filter(keep),
    }));
  };
  const byService = { schema: { params: nameParams('service'), querystring: listQuerySchema } };
  app.get('/v1/health/service/:service', byService, (req: ByService, reply) => serviceEntries(req, reply, false));
  app.get('/v1/health/connect/:service', byService, (req: ByService, reply) => serviceEntries(req, reply, true));

  app.get('/v1/health/checks/:service', byService, (req: ByService, reply) => {
    const keep = filterFromQuery(req.query.filter);
    const name = req.params.service;
    return blocking(req, reply, () => ({
      topics: serviceTopics(name),
      body: store.listChecks({ serviceName: name }).map(checkJson).filter(keep),
    }));
  });

  app.get<{ Params: { node: string }; Querystring: HealthQuery }>(
    '/v1/health/node/:node',
    { schema: { params: nameParams('node'), querystring: listQuerySchema } },
    (req, reply) => {
      const keep = filterFromQuery(req.query.filter);
      return blocking(req, reply, () => ({
        topics: [topic.node(req.params.node)],
        body: store.listChecks({ node: req.params.node }).map(checkJson).filter(keep),
      }));
    },
  );

  app.get<{ Params: { state: string }; Querystring: HealthQuery }>(
    '/v1/health/state/:state',
    { schema: { params: nameParams('state'), querystring: listQuerySchema } },
    (req, reply) => {
      const state = req.params.state;
      if (state !== 'any' && !isHealthStatus(state)) {
        throw badRequest(`Invalid check state "${state}": expected passing, warning, critical or any`);
      }
      const keep = filterFromQuery(req.query.filter);
      const meta = nodeMetaMatcher(req.query['node-meta']);
      return blocking(req, reply, () => ({
        topics: [topic.table('checks'), ...(req.query['node-meta'] ? [topic.table('nodes')] : [])],
        body: store
          .listChecks(state === 'any' ? {} : { status: state })
          .filter((c) => !req.query['node-meta'] || meta(store.getNode(c.Node)?.Meta))
          .map(checkJson)
          .filter(keep),
      }));
    },
  );
};
