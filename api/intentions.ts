/**
 * `/v1/connect/intentions` (legacy objects, by ID and by exact name pair,
 * `/match`, `/check`) and `/v1/agent/connect/authorize`. They are views of
 * the `service-intentions` config entries: what is written here shows in
 * `/v1/config/service-intentions/<destination>`, and the reverse.
 */
import type { FastifyPluginAsync } from 'fastify';
import { topic } from '../catalog/index.ts';
import { checkIntention, matchIntentions, type Intention, type ServiceRef } from '../policy/index.ts';
import { authorizeConnection, type AuthorizeBody } from './intentions-authorize.ts';
import { blockingReads } from './blocking.ts';
import { INTENTIONS_KIND, type ConfigApiDeps, type ConfigEntries } from './config-state.ts';
import {
  authorizeBodySchema,
  blockingQuerySchema,
  checkQuerySchema,
  exactBodySchema,
  exactQuerySchema,
  intentionIdParams,
  legacyIntentionBodySchema,
  matchQuerySchema,
  unknownFieldsMessage,
} from './config-schemas.ts';
import { badRequest, notFound } from './errors.ts';
import { filterFromQuery } from './filter-param.ts';
import { IntentionWriter, parseServiceRef, type ExactIntentionBody } from './intentions-write.ts';

interface PairQuery {
  source: string;
  destination: string;
}

const EXACT_FIELDS = ['Action', 'Permissions', 'Description', 'Meta'];

function isPair(ixn: Intention, source: ServiceRef, destination: ServiceRef): boolean {
  return (
    ixn.SourceName === source.name &&
    ixn.SourceNS === (source.namespace || 'default') &&
    ixn.DestinationName === destination.name &&
    ixn.DestinationNS === (destination.namespace || 'default')
  );
}

/** The intention routes over the store's service-intentions entries. */
export const intentionRoutes: FastifyPluginAsync<{ deps: ConfigApiDeps; entries: ConfigEntries }> = async (app, { deps, entries }) => {
  const blocking = blockingReads(app, deps.store);
  const writer = new IntentionWriter(deps, entries);
  const topics = [topic.configKind(INTENTIONS_KIND)];

  app.get<{ Querystring: { filter?: string } }>('/v1/connect/intentions', { schema: { querystring: blockingQuerySchema } }, async (req, reply) => {
    const keep = filterFromQuery(req.query.filter);
    return blocking(req, reply, () => ({ topics, body: entries.allIntentions().filter(keep) }));
  });

  app.post<{ Body: Record<string, unknown> }>('/v1/connect/intentions', { schema: { body: legacyIntentionBodySchema } }, async (req) => {
    return { ID: await writer.create(req.body) };
  });

  app.get<{ Querystring: PairQuery }>('/v1/connect/intentions/exact', { schema: { querystring: exactQuerySchema } }, async (req, reply) => {
    const source = parseServiceRef(req.query.source);
    const destination = parseServiceRef(req.query.destination);
    const ixn = await blocking(req, reply, () => ({ topics, body: entries.allIntentions().find((i) => isPair(i, source, destination)) }));
    if (!ixn) throw notFound(`Intention not found: none from "${req.query.source}" to "${req.query.destination}"`);
    return ixn;
  });

  app.put<{ Querystring: PairQuery; Body: ExactIntentionBody }>(
    '/v1/connect/intentions/exact',
    { schema: { querystring: exactQuerySchema, body: exactBodySchema } },
    async (req) => {
      const extra = unknownFieldsMessage(req.body, EXACT_FIELDS, 'intention');
      if (extra) throw badRequest(extra);
      await writer.upsertExact(parseServiceRef(req.query.source), parseServiceRef(req.query.destination), req.body);
      return true;
    },
  );

  app.delete<{ Querystring: PairQuery }>('/v1/connect/intentions/exact', { schema: { querystring: exactQuerySchema } }, async (req) => {
    await writer.deleteExact(parseServiceRef(req.query.source), parseServiceRef(req.query.destination));
    return true;
  });

  app.get<{ Querystring: { by: 'source' | 'destination'; name: string[]; filter?: string } }>(
    '/v1/connect/intentions/match',
    { schema: { querystring: matchQuerySchema } },
    async (req, reply) => {
      const { by, name: names } = req.query;
      const keep = filterFromQuery(req.query.filter);
      return blocking(req, reply, () => {
        const all = entries.allIntentions();
        const out: Record<string, Intention[]> = {};
        for (const n of names) {
          const ref = parseServiceRef(n);
          out[n] = matchIntentions(all, { by, name: ref.name, namespace: ref.namespace }).filter(keep);
        }
        return { topics, body: out };
      });
    },
  );

  app.get<{ Querystring: PairQuery }>('/v1/connect/intentions/check', { schema: { querystring: checkQuerySchema } }, async (req) => {
    const decision = checkIntention(entries.allIntentions(), parseServiceRef(req.query.source), parseServiceRef(req.query.destination), deps.defaultIntentionAllow);
    return { Allowed: decision.Allowed };
  });

  app.get<{ Params: { id: string } }>('/v1/connect/intentions/:id', { schema: { params: intentionIdParams, querystring: blockingQuerySchema } }, async (req, reply) => {
    const ixn = await blocking(req, reply, () => ({ topics, body: entries.allIntentions().find((i) => i.ID === req.params.id) }));
    if (!ixn) throw notFound(`Intention not found: no intention has ID "${req.params.id}"`);
    return ixn;
  });

  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/v1/connect/intentions/:id',
    { schema: { params: intentionIdParams, body: legacyIntentionBodySchema } },
    async (req, reply) => {
      await writer.update(req.params.id, req.body);
      return reply.send();
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/connect/intentions/:id', { schema: { params: intentionIdParams } }, async (req) => {
    await writer.deleteById(req.params.id);
    return true;
  });

  app.post<{ Body: AuthorizeBody }>('/v1/agent/connect/authorize', { schema: { body: authorizeBodySchema } }, async (req) =>
    authorizeConnection(req.body, entries.allIntentions(), { trustDomain: deps.trustDomain(), defaultAllow: deps.defaultIntentionAllow }),
  );
};
