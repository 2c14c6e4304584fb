/**
 * `/v1/discovery-chain/:service`: the compiled discovery chain of a service,
 * as Consul answers it (`{"Chain": …}`), optionally with per-upstream
 * overrides (POST). Blocking reads wake on any change to the kinds a chain is
 * compiled from.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { topic } from '../catalog/index.ts';
import { CONFIG_ENTRY_KINDS, compileDiscoveryChain, type ChainOverrides, type CompiledDiscoveryChain } from '../policy/index.ts';
import { blockingReads } from './blocking.ts';
import type { ConfigApiDeps, ConfigEntries } from './config-state.ts';
import { discoveryChainBodySchema, discoveryChainParams, discoveryChainQuerySchema, unknownFieldsMessage } from './config-schemas.ts';
import { apiError, badRequest } from './errors.ts';

type ChainRequest = FastifyRequest<{ Params: { service: string }; Querystring: { 'compile-dc'?: string }; Body?: ChainOverrides }>;

const OVERRIDE_FIELDS = ['OverrideConnectTimeout', 'OverrideProtocol', 'OverrideMeshGateway'];
// Every kind a compiled chain can depend on; service-intentions never shapes a chain.
const CHAIN_TOPICS = CONFIG_ENTRY_KINDS.map((k) => topic.configKind(k));

/** The discovery-chain routes over the store's config entries. */
export const discoveryChainRoutes: FastifyPluginAsync<{ deps: ConfigApiDeps; entries: ConfigEntries }> = async (app, { deps, entries }) => {
  const blocking = blockingReads(app, deps.store);

  const answer = async (req: ChainRequest, reply: FastifyReply, overrides: ChainOverrides | undefined): Promise<{ Chain: CompiledDiscoveryChain }> => {
    const datacenter = req.query['compile-dc'] || deps.datacenter;
    const result = await blocking(req, reply, () => ({
      topics: CHAIN_TOPICS,
      body: compileDiscoveryChain({
        service: req.params.service,
        datacenter,
        entries: entries.entrySet(),
        trustDomain: deps.trustDomain(),
        ...(overrides ? { overrides } : {}),
      }),
    }));
    if (!result.ok) {
      const message = result.errors.join('; ');
      // Bad overrides are the caller's; anything else means the stored entries do not compile.
      if (message.startsWith('overrides:')) throw badRequest(message);
      throw apiError('INTERNAL', `discovery chain for "${req.params.service}" does not compile: ${message}`);
    }
    return { Chain: result.value };
  };

  const schema = { params: discoveryChainParams, querystring: discoveryChainQuerySchema };
  app.get<{ Params: { service: string }; Querystring: { 'compile-dc'?: string } }>('/v1/discovery-chain/:service', { schema }, (req, reply) =>
    answer(req, reply, undefined),
  );
  app.post<{ Params: { service: string }; Querystring: { 'compile-dc'?: string }; Body?: ChainOverrides }>(
    '/v1/discovery-chain/:service',
    {
      schema: { ...schema, body: discoveryChainBodySchema },
      // A POST without a body asks for the plain chain, as a GET does.
      preValidation: async (req) => {
        if (req.body === undefined) req.body = {};
      },
    },
    (req, reply) => {
      const body = req.body ?? {};
      const extra = unknownFieldsMessage(body, OVERRIDE_FIELDS, 'discovery chain overrides');
      if (extra) throw badRequest(extra);
      return answer(req, reply, body);
    },
  );
};
