/**
 * The ACL routes: bootstrap, tokens and policies, with Consul's paths and
 * JSON. Permissions are checked by the enforcement hooks (acl-enforce.ts)
 * before a handler runs. With ACLs off every route answers 401, as Consul.
 *
 * Secrets are stored hashed, so a token's SecretID is shown once, in the
 * answer that created it (bootstrap or create); afterwards it reads "<hidden>".
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AclStore } from '../catalog/index.ts';
import {
  AclChangeError,
  allPolicies,
  bootstrapMutation,
  createPolicyMutation,
  createTokenMutation,
  deletePolicyMutation,
  deleteTokenMutation,
  findToken,
  policyView,
  tokenView,
  updatePolicyMutation,
  updateTokenMutation,
  ANONYMOUS_TOKEN_ID,
  type PolicyInput,
  type TokenInput,
} from '../policy/acl/index.ts';
import { ApiError, apiError, badRequest } from './errors.ts';
import { requestToken } from './acl-enforce.ts';
import { oneParam, policyBodySchema, tokenBodySchema } from './acl-schemas.ts';

/** What the ACL routes need; absent when ACLs are off. */
export interface AclApiDeps {
  store: AclStore;
  now?: () => Date;
}

const aclNotFound = (): ApiError => apiError('PERMISSION_DENIED', 'ACL not found');

function toApiError(err: Error): ApiError {
  if (!(err instanceof AclChangeError)) return apiError('INTERNAL', err.message);
  switch (err.kind) {
    case 'invalid':
      return badRequest(err.message);
    case 'forbidden':
      return apiError('PERMISSION_DENIED', err.message);
    case 'not-found':
      return aclNotFound();
  }
}

function bootstrapSecret(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request decode failed: the body must be a JSON object');
  const s = (body as Record<string, unknown>)['BootstrapSecret'];
  if (s !== undefined && typeof s !== 'string') throw badRequest('BootstrapSecret: must be a string');
  return s === '' ? undefined : s;
}

/** The ACL routes; `deps` undefined registers them answering "ACL support disabled". */
export const aclRoutes: FastifyPluginAsync<{ deps?: AclApiDeps }> = async (app, { deps }) => {
  const now = deps?.now ?? (() => new Date());
  const acl = (): AclStore => {
    if (!deps) throw new ApiError('ACL_DISABLED', 401, 'ACL support disabled');
    return deps.store;
  };
  const run = async <T>(mutation: Parameters<AclStore['update']>[0]): Promise<{ result: T; index: number }> => {
    const r = await acl().update(mutation);
    if (!r.ok) throw toApiError(r.error);
    return { result: r.result as T, index: r.index };
  };
  const callerAccessor = (req: FastifyRequest): string => requestToken(req)?.accessorId ?? ANONYMOUS_TOKEN_ID;

  // No body schema: Consul's clients send no body at all, which a schema would refuse.
  app.put<{ Body: unknown }>('/v1/acl/bootstrap', async (req) => {
    const secret = bootstrapSecret(req.body);
    const { result } = await run<{ token: Parameters<typeof tokenView>[0]; secret: string }>(bootstrapMutation(secret, now()));
    const { state } = acl().read();
    return tokenView(findToken(state, result.token.AccessorID) ?? result.token, state, result.secret);
  });

  app.put<{ Body: TokenInput }>('/v1/acl/token', { schema: { body: tokenBodySchema } }, async (req) => {
    const { result } = await run<{ token: Parameters<typeof tokenView>[0]; secret: string }>(createTokenMutation(req.body ?? {}, now()));
    const { state } = acl().read();
    return tokenView(findToken(state, result.token.AccessorID) ?? result.token, state, result.secret);
  });

  app.get('/v1/acl/token/self', async (req) => {
    const { state } = acl().read();
    const t = findToken(state, callerAccessor(req));
    if (!t) throw aclNotFound();
    return tokenView(t, state);
  });

  app.get<{ Params: { AccessorID: string } }>('/v1/acl/token/:AccessorID', { schema: { params: oneParam('AccessorID') } }, async (req) => {
    const { state } = acl().read();
    const t = findToken(state, req.params.AccessorID);
    if (!t) throw aclNotFound();
    return tokenView(t, state);
  });

  app.put<{ Params: { AccessorID: string }; Body: TokenInput }>(
    '/v1/acl/token/:AccessorID',
    { schema: { params: oneParam('AccessorID'), body: tokenBodySchema } },
    async (req) => {
      const { result } = await run<Parameters<typeof tokenView>[0]>(updateTokenMutation(req.params.AccessorID, req.body ?? {}));
      const { state } = acl().read();
      return tokenView(findToken(state, result.AccessorID) ?? result, state);
    },
  );

  app.delete<{ Params: { AccessorID: string } }>('/v1/acl/token/:AccessorID', { schema: { params: oneParam('AccessorID') } }, async (req) => {
    await run<boolean>(deleteTokenMutation(req.params.AccessorID, callerAccessor(req)));
    return true;
  });

  app.get('/v1/acl/tokens', async () => {
    const { state } = acl().read();
    const list = state.tokens.some((t) => t.AccessorID === ANONYMOUS_TOKEN_ID) ? state.tokens : [findToken(state, ANONYMOUS_TOKEN_ID)!, ...state.tokens];
    return list.map((t) => tokenView(t, state));
  });

  app.put<{ Body: PolicyInput }>('/v1/acl/policy', { schema: { body: policyBodySchema } }, async (req, reply) => {
    const { result } = await run<{ policy: Parameters<typeof policyView>[0]; warnings: string[] }>(createPolicyMutation(req.body ?? {}));
    if (result.warnings.length) reply.header('Warning', result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', '));
    const stored = acl().read().state.policies.find((p) => p.ID === result.policy.ID) ?? result.policy;
    return policyView(stored);
  });

  const policyById = (id: string) => {
    const p = allPolicies(acl().read().state).find((x) => x.ID === id);
    if (!p) throw aclNotFound();
    return policyView(p);
  };

  app.get<{ Params: { id: string } }>('/v1/acl/policy/:id', { schema: { params: oneParam('id') } }, async (req) => policyById(req.params.id));

  app.put<{ Params: { id: string }; Body: PolicyInput }>('/v1/acl/policy/:id', { schema: { params: oneParam('id'), body: policyBodySchema } }, async (req) => {
    const { result } = await run<{ ID: string }>(updatePolicyMutation(req.params.id, req.body ?? {}));
    return policyById(result.ID);
  });

  app.delete<{ Params: { id: string } }>('/v1/acl/policy/:id', { schema: { params: oneParam('id') } }, async (req) => {
    await run<boolean>(deletePolicyMutation(req.params.id));
    return true;
  });

  app.get<{ Params: { name: string } }>('/v1/acl/policy/name/:name', { schema: { params: oneParam('name') } }, async (req) => {
    const p = allPolicies(acl().read().state).find((x) => x.Name === req.params.name);
    if (!p) throw aclNotFound();
    return policyView(p);
  });

  app.get('/v1/acl/policies', async () => allPolicies(acl().read().state).map(policyView));
};
