/**
 * Consul's Connect CA endpoints: roots (also as PEM), CA configuration, and a
 * service's leaf certificate, with blocking queries (`?index=N&wait=5s`) on
 * roots and leaves. Register with `{ ca, leaves }`.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CAConfigError, isValidServiceName, parseDuration, type CertificateAuthority, type LeafManager } from '../ca/index.ts';
import { badRequest } from './errors.ts';

export interface ConnectCaRoutesOptions {
  ca: CertificateAuthority;
  leaves: LeafManager;
  /** Longest blocking wait honoured (ms); Consul's is 10 minutes. */
  maxWaitMs?: number;
}

const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;

interface BlockingQuery {
  index?: number;
  wait?: string;
}

const blockingQuerySchema = {
  type: 'object',
  properties: {
    index: { type: 'integer', minimum: 0 },
    wait: { type: 'string' },
    pem: { type: 'string' },
  },
} as const;

/**
 * Resolves once `changed()` holds (checked now and at each notification), the
 * wait runs out, or `signal` aborts — whichever comes first.
 */
function waitFor(
  changed: () => boolean,
  subscribe: (wake: () => void) => () => void,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (changed() || signal.aborted) return resolve();
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    const unsubscribe = subscribe(() => {
      if (changed()) finish();
    });
    signal.addEventListener('abort', finish);
  });
}

export const connectCaRoutes: FastifyPluginAsync<ConnectCaRoutesOptions> = async (app, opts) => {
  const { ca, leaves } = opts;
  const maxWait = opts.maxWaitMs ?? MAX_WAIT_MS;
  const closing = new AbortController();
  app.addHook('onClose', async () => closing.abort());

  /** The wait a blocking query asked for, capped, with Consul's up-to-1/16 jitter so clients spread out. */
  const waitMsOf = (q: BlockingQuery): number => {
    if (q.wait === undefined) return Math.min(DEFAULT_WAIT_MS, maxWait);
    const ms = parseDuration(q.wait);
    if (ms === undefined) throw badRequest(`Invalid wait time: ${JSON.stringify(q.wait)} (want a duration such as "5s")`);
    const capped = Math.min(ms, maxWait);
    return capped + Math.random() * (capped / 16);
  };

  /** Aborts when the server closes or the client goes away. */
  const requestSignal = (reply: FastifyReply): AbortSignal => {
    const ac = new AbortController();
    reply.raw.once('close', () => ac.abort());
    return AbortSignal.any([ac.signal, closing.signal]);
  };

  const setMeta = (reply: FastifyReply, index: number): void => {
    reply.header('X-Consul-Index', String(index));
    reply.header('X-Consul-KnownLeader', 'true');
    reply.header('X-Consul-LastContact', '0');
  };

  const rootsHandler = async (q: BlockingQuery & { pem?: string }, reply: FastifyReply): Promise<unknown> => {
    if (q.index !== undefined && q.index > 0) {
      await waitFor(() => ca.index() > (q.index ?? 0), (wake) => ca.subscribe(wake), waitMsOf(q), requestSignal(reply));
    }
    setMeta(reply, ca.index());
    if (q.pem !== undefined && q.pem !== 'false' && q.pem !== '0') {
      return reply.type('application/pem-certificate-chain').send(ca.rootsPem());
    }
    return ca.roots();
  };

  app.get<{ Querystring: BlockingQuery & { pem?: string } }>(
    '/v1/connect/ca/roots',
    { schema: { querystring: blockingQuerySchema } },
    async (req, reply) => rootsHandler(req.query, reply),
  );
  app.get<{ Querystring: BlockingQuery & { pem?: string } }>(
    '/v1/agent/connect/ca/roots',
    { schema: { querystring: blockingQuerySchema } },
    async (req, reply) => rootsHandler(req.query, reply),
  );

  app.get('/v1/connect/ca/configuration', async (_req, reply) => {
    setMeta(reply, ca.index());
    return ca.configuration();
  });

  app.put<{ Body: unknown }>('/v1/connect/ca/configuration', async (req, reply) => {
    try {
      await ca.setConfiguration(req.body ?? {});
    } catch (err) {
      if (err instanceof CAConfigError) throw badRequest(`Invalid CA configuration: ${err.message}`);
      throw err;
    }
    setMeta(reply, ca.index());
    return reply.code(200).send();
  });

  app.get<{ Params: { service: string }; Querystring: BlockingQuery }>(
    '/v1/agent/connect/ca/leaf/:service',
    {
      schema: {
        params: { type: 'object', properties: { service: { type: 'string' } }, required: ['service'] },
        querystring: blockingQuerySchema,
      },
    },
    async (req, reply) => {
      const { service } = req.params;
      if (!isValidServiceName(service)) throw badRequest(`service: invalid service name ${JSON.stringify(service)}`);
      let leaf = await leaves.get(service);
      const index = req.query.index ?? 0;
      if (index > 0 && leaf.ModifyIndex <= index) {
        await waitFor(
          () => leaves.index(service) > index,
          (wake) => leaves.subscribe((u) => u.service === service && wake()),
          waitMsOf(req.query),
          requestSignal(reply),
        );
        leaf = await leaves.get(service);
      }
      setMeta(reply, leaf.ModifyIndex);
      return leaf;
    },
  );
};
