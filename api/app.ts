/**
 * The HTTP API: a fastify app with Consul's paths, JSON shapes and plain-text
 * errors. Each feature is a plugin registered here; the domain services it
 * needs arrive in ApiDeps.
 */
import { tallyOf } from '../xds/index.ts';
import Fastify, { LogController, type FastifyInstance, type FastifyError, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from './errors.ts';
import { statusRoutes } from './status.ts';
import { xdsRoutes, type ProxyProblemSource, type XdsStatusSource } from './xds.ts';
import type { AgentIdentity, CatalogStore } from '../catalog/index.ts';
import { agentRoutes } from './agent.ts';
import { catalogRoutes } from './catalog.ts';
import { healthRoutes } from './health.ts';
import { connectCaRoutes } from './connect-ca.ts';
import type { CatalogApiDeps } from './catalog-deps.ts';
import type { CertificateAuthority, LeafManager } from '../ca/index.ts';
import { metricsRoutes, type MetricsSources } from './metrics.ts';
import { registerConfigRoutes } from './config-routes.ts';
import { aclRoutes, type AclApiDeps } from './acl.ts';
import { installAclEnforcement, type RouteRule } from './acl-enforce.ts';
import type { AclResolver } from '../policy/acl/index.ts';
import { clientErrorHandler, installRequestLimits, jsonDepthExceeds, noteRejection, resolveApiLimits, tooDeep, type ApiLimits } from './limits.ts';

/** What the API needs from the rest of the server. Features add their services here. */
export interface ApiDeps {
  logger: Logger;
  /** Datacenter name, `dc1` by default. */
  datacenter: string;
  /** Largest accepted request body in bytes (overrides `limits.bodyLimit`). */
  bodyLimit?: number;
  /** Request limits (body, JSON depth, header size, parked queries per client); defaults in DEFAULT_API_LIMITS. */
  limits?: Partial<ApiLimits>;
  /** The xDS server, for `/v1/xds/proxies` (empty list without it). */
  xds?: XdsStatusSource;
  /** The state store; the catalog, health and agent routes exist only with it. */
  store?: CatalogStore;
  /** The server's own node (agent endpoints); defaults to node `switchboard` at 127.0.0.1. */
  agent?: AgentIdentity;
  /** Why proxies get no configuration (the mesh engine). */
  proxyProblems?: ProxyProblemSource;
  /** TTL check updates through the health runner. */
  updateTTL?: CatalogApiDeps['updateTTL'];
  /** The certificate authority and its leaf cache, for `/v1/connect/ca/*` and the leaf endpoint. */
  ca?: { authority: CertificateAuthority; leaves: LeafManager };
  /** What `/metrics` and `/v1/agent/metrics` report; without it, process metrics and `xds` streams only. */
  metrics?: MetricsSources;
  /** The mesh's trust domain, for authorize and chain SNIs; taken from `ca` when absent. */
  trustDomain?: () => string | undefined;
  /** What intention checks answer when no intention applies (default: deny, as the mesh engine). */
  defaultIntentionAllow?: boolean;
  /** ACLs: the token resolver and store; without it ACLs are off (every request allowed, /v1/acl answers 401). */
  acl?: AclApiDeps & { resolver: AclResolver; extraRules?: Readonly<Record<string, RouteRule>> };
}

/** Builds the fastify app with every route registered (not yet listening). */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const limits = resolveApiLimits({ ...deps.limits, ...(deps.bodyLimit !== undefined ? { bodyLimit: deps.bodyLimit } : {}) });
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimit,
    http: { maxHeaderSize: limits.maxHeaderSize },
    clientErrorHandler: clientErrorHandler(deps.logger),
  });
  installRequestLimits(app, limits, deps.logger);

  // Consul accepts bodies on PUT without a content type, and clients send JSON
  // as text/plain or with no type at all: parse every body as JSON text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepthExceeds(text, limits.maxJsonDepth)) return done(tooDeep(limits.maxJsonDepth), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ApiError('BAD_REQUEST', 400, `Request decode failed: ${(err as Error).message}`), undefined);
    }
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      noteRejection(req, err.message);
      return reply.code(err.statusCode).type('text/plain; charset=utf-8').send(err.message);
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const message =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'Request body too large'
        : err.validation
          ? `Request decode failed: ${err.message}`
          : err.message;
    noteRejection(req, message);
    return reply.code(status).type('text/plain; charset=utf-8').send(message);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).type('text/plain; charset=utf-8').send(`Not found: ${req.method} ${req.url.split('?')[0]}`);
  });

  if (deps.acl) {
    // Before any route plugin, so that every route inherits the hooks.
    installAclEnforcement(app, {
      resolver: deps.acl.resolver,
      store: deps.store,
      agentNode: deps.agent?.node ?? 'switchboard',
      logger: deps.logger,
      extraRules: deps.acl.extraRules,
    });
  }
  await app.register(aclRoutes, { deps: deps.acl });
  await app.register(statusRoutes, { deps });
  await app.register(xdsRoutes, { deps });
  const statusOnly = deps.xds;
  await app.register(metricsRoutes, { sources: deps.metrics ?? (statusOnly ? { xds: { streamTally: () => tallyOf(statusOnly.proxies()) } } : {}) });
  if (deps.store) {
    const catalogDeps = {
      store: deps.store,
      agent: deps.agent ?? { node: 'switchboard', address: '127.0.0.1', datacenter: deps.datacenter },
      datacenter: deps.datacenter,
      logger: deps.logger,
      updateTTL: deps.updateTTL,
    };
    await app.register(catalogRoutes, { deps: catalogDeps });
    await app.register(healthRoutes, { deps: catalogDeps });
    await app.register(agentRoutes, { deps: catalogDeps });
    const ca = deps.ca;
    await registerConfigRoutes(app, {
      store: deps.store,
      datacenter: deps.datacenter,
      trustDomain: deps.trustDomain ?? (ca ? () => ca.authority.trustDomain : undefined),
      defaultIntentionAllow: deps.defaultIntentionAllow,
    });
  }
  if (deps.ca) await app.register(connectCaRoutes, { ca: deps.ca.authority, leaves: deps.ca.leaves });
  return app;
}
