/**
 * ACL enforcement for the HTTP API: which permission each route needs (one
 * line per route in ROUTE_RULES), the hooks that resolve the request's token
 * and check it before the handler runs, and the filters that drop what the
 * token may not read from list answers.
 *
 * A route without a line in the table is refused for every token but a
 * management one (fail closed), and `routesWithoutAclRule` lets a test prove
 * that no route lacks one.
 *
 * Choices where Consul leaves room (documented in docs/acl.md):
 * CA roots, status and the datacenter list are public; `/v1/xds/proxies`
 * needs operator:read; `/metrics` and `/v1/agent/metrics` need agent:read on
 * this agent; proxy-defaults is readable by every token, mesh needs mesh:read,
 * both need mesh:write (or operator:write) to change.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CatalogStore } from '../catalog/index.ts';
import type { Access, AclResolver, Authorizer, GlobalResource, NamedResource, ResolvedToken } from '../policy/acl/index.ts';
import { apiError } from './errors.ts';
import { filters, type ResponseFilter } from './acl-filters.ts';

/** One permission a request needs. */
export type Need = { resource: NamedResource; name: string; access: Access } | { resource: GlobalResource; access: Access };

/** What a rule may look at. */
export interface RuleContext {
  req: FastifyRequest;
  store: CatalogStore | undefined;
  agentNode: string;
}

/** The ACL rule of one route. */
export interface RouteRule {
  /** No token is looked at: the route is open to anyone. */
  public?: true;
  /** Permissions the request needs, all of them (none: any valid token). */
  needs?: (ctx: RuleContext) => Need[];
  /** Drops from the answer what the token may not read. */
  filter?: (authz: Authorizer) => ResponseFilter;
}

export const FILTERED_HEADER = 'X-Consul-Results-Filtered-By-ACLs';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A body field under its Consul name or its lower-case spelling (Consul decodes either). */
const field = (o: Obj, name: string): unknown => o[name] ?? o[name.toLowerCase()] ?? o[name[0]!.toLowerCase() + name.slice(1)];
const params = (req: FastifyRequest): Obj => obj(req.params);
const query = (req: FastifyRequest): Obj => obj(req.query);
const body = (req: FastifyRequest): Obj => obj(req.body);

const svc = (name: string, access: Access): Need => ({ resource: 'service', name, access });
const node = (name: string, access: Access): Need => ({ resource: 'node', name, access });
const agent = (name: string, access: Access): Need => ({ resource: 'agent', name, access });
const ixn = (name: string, access: Access): Need => ({ resource: 'intentions', name, access });
const glob = (resource: GlobalResource, access: Access): Need => ({ resource, access });
/** `ns/name` or `name` as query strings carry service references. */
const refName = (s: unknown): string => str(s).split('/').pop() ?? '';

/** A service registration (agent form: Name; catalog form: Service) needs write on it and on what it fronts. */
function registrationNeeds(def: Obj, nameField: 'Name' | 'Service'): Need[] {
  const name = str(field(def, nameField));
  const needs = [svc(name, 'write')];
  const dest = str(field(obj(field(def, 'Proxy')), 'DestinationServiceName'));
  if (dest) needs.push(svc(dest, 'write'));
  const sidecar = field(obj(field(def, 'Connect')), 'SidecarService');
  if (sidecar && typeof sidecar === 'object') needs.push(svc(str(field(obj(sidecar), 'Name')) || `${name}-sidecar-proxy`, 'write'));
  return needs;
}

/** Changing a check: write on its service, or on the node for a node check; nothing when unknown (the handler 404s). */
function checkNeeds(ctx: RuleContext, nodeName: string, checkId: string): Need[] {
  const c = ctx.store?.getCheck(nodeName, checkId);
  if (!c) return [];
  return [c.ServiceName ? svc(c.ServiceName, 'write') : node(nodeName, 'write')];
}

function agentServiceNeeds(ctx: RuleContext, access: Access): Need[] {
  const s = ctx.store?.getService(ctx.agentNode, str(params(ctx.req)['id']));
  return s ? [svc(s.Service, access)] : [];
}

const SERVICE_KINDS = new Set(['service-defaults', 'service-router', 'service-splitter', 'service-resolver']);

/** The permission a config entry needs to be read or written. */
export function configEntryNeed(kind: string, name: string, access: Access): Need | undefined {
  if (SERVICE_KINDS.has(kind)) return svc(name, access);
  if (kind === 'service-intentions') return ixn(name, access);
  // Any token may read proxy-defaults (proxies' defaults are not secret); writing it is a mesh change.
  if (kind === 'proxy-defaults' && access === 'read') return undefined;
  return glob('mesh', access);
}

function configEntryReadable(authz: Authorizer, kind: string, name: string): boolean {
  const need = configEntryNeed(kind, name, 'read');
  return need === undefined || allowed(authz, need);
}

function catalogRegisterNeeds(ctx: RuleContext): Need[] {
  const b = body(ctx.req);
  const nodeName = str(b['Node']);
  const needs: Need[] = [];
  const service = b['Service'];
  if (service && typeof service === 'object') needs.push(...registrationNeeds(obj(service), 'Service'));
  // The node itself is written unless it exists unchanged (a service registration on a known node needs no node:write).
  const existing = ctx.store?.getNode(nodeName);
  const nodeChanges =
    !existing ||
    (!b['SkipNodeUpdate'] &&
      (str(b['Address']) !== existing.Address ||
        (b['NodeMeta'] !== undefined && JSON.stringify(b['NodeMeta']) !== JSON.stringify(existing.Meta ?? {})) ||
        (b['TaggedAddresses'] !== undefined && JSON.stringify(b['TaggedAddresses']) !== JSON.stringify(existing.TaggedAddresses ?? {}))));
  if (nodeChanges || !service) needs.push(node(nodeName, 'write'));
  const checks = Array.isArray(b['Checks']) ? (b['Checks'] as unknown[]) : b['Check'] ? [b['Check']] : [];
  for (const c of checks) {
    const sid = str(obj(c)['ServiceID']);
    if (!sid) needs.push(node(nodeName, 'write'));
    else {
      const s = ctx.store?.getService(nodeName, sid);
      const registering = obj(service);
      const name = s?.Service ?? (str(registering['ID'] ?? registering['Service']) === sid ? str(registering['Service']) : sid);
      needs.push(svc(name, 'write'));
    }
  }
  return needs;
}

function catalogDeregisterNeeds(ctx: RuleContext): Need[] {
  const b = body(ctx.req);
  const nodeName = str(b['Node']);
  const needs: Need[] = [];
  const sid = str(b['ServiceID']);
  const cid = str(b['CheckID']);
  if (sid) {
    const s = ctx.store?.getService(nodeName, sid);
    if (s) needs.push(svc(s.Service, 'write'));
  }
  if (cid) needs.push(...checkNeeds(ctx, nodeName, cid));
  if (!sid && !cid) needs.push(node(nodeName, 'write'));
  return needs;
}

/** The destination of an intention by its legacy ID, from the stored service-intentions entries. */
function intentionDestination(store: CatalogStore | undefined, id: string): string | undefined {
  for (const e of store?.listConfigEntries('service-intentions') ?? []) {
    const sources = e.Body['Sources'];
    if (Array.isArray(sources) && sources.some((s) => obj(s)['LegacyID'] === id)) return e.Name;
  }
  return undefined;
}

function intentionByIdNeeds(ctx: RuleContext, access: Access): Need[] {
  const dest = intentionDestination(ctx.store, str(params(ctx.req)['id']));
  const needs: Need[] = dest === undefined ? [] : [ixn(dest, access)];
  // An update may also move the intention to another destination: it needs write there too.
  const newDest = str(field(body(ctx.req), 'DestinationName'));
  if (access === 'write' && newDest) needs.push(ixn(newDest, 'write'));
  return needs;
}

const configBodyNeed = (ctx: RuleContext): Need[] => {
  const b = body(ctx.req);
  const need = configEntryNeed(str(field(b, 'Kind')), str(field(b, 'Name')), 'write');
  return need ? [need] : [];
};
const configNameNeed = (access: Access) => (ctx: RuleContext): Need[] => {
  const p = params(ctx.req);
  const need = configEntryNeed(str(p['kind']), str(p['name']), access);
  return need ? [need] : [];
};

const none = (): Need[] => [];
const OPEN: RouteRule = { public: true };
const ACL_READ: RouteRule = { needs: () => [glob('acl', 'read')] };
const ACL_WRITE: RouteRule = { needs: () => [glob('acl', 'write')] };
const AGENT_READ: RouteRule = { needs: (ctx) => [agent(ctx.agentNode, 'read')] };

/** Every route's rule, keyed by `METHOD url` (HEAD uses its GET's rule). */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  'GET /v1/status/leader': OPEN,
  'GET /v1/status/peers': OPEN,
  'GET /v1/xds/proxies': { needs: () => [glob('operator', 'read')] },
  'GET /metrics': AGENT_READ,
  'GET /v1/agent/metrics': AGENT_READ,
  // catalog
  'PUT /v1/catalog/register': { needs: catalogRegisterNeeds },
  'PUT /v1/catalog/deregister': { needs: catalogDeregisterNeeds },
  'GET /v1/catalog/datacenters': OPEN,
  'GET /v1/catalog/nodes': { needs: none, filter: (a) => filters.nodes(a, 'Node') },
  'GET /v1/catalog/services': { needs: none, filter: filters.serviceNames },
  'GET /v1/catalog/service/:service': { needs: none, filter: filters.catalogRows },
  'GET /v1/catalog/connect/:service': { needs: none, filter: filters.catalogRows },
  'GET /v1/catalog/node/:node': { needs: (ctx) => [node(str(params(ctx.req)['node']), 'read')], filter: filters.nodeServices },
  // health
  'GET /v1/health/service/:service': { needs: none, filter: filters.healthEntries },
  'GET /v1/health/connect/:service': { needs: none, filter: filters.healthEntries },
  'GET /v1/health/checks/:service': { needs: none, filter: filters.checks },
  'GET /v1/health/node/:node': { needs: none, filter: filters.checks },
  'GET /v1/health/state/:state': { needs: none, filter: filters.checks },
  // agent
  'PUT /v1/agent/service/register': { needs: (ctx) => registrationNeeds(body(ctx.req), 'Name') },
  'PUT /v1/agent/service/deregister/:id': { needs: (ctx) => agentServiceNeeds(ctx, 'write') },
  'PUT /v1/agent/service/maintenance/:id': { needs: (ctx) => agentServiceNeeds(ctx, 'write') },
  'GET /v1/agent/services': { needs: none, filter: filters.agentServices },
  'GET /v1/agent/service/:id': { needs: (ctx) => agentServiceNeeds(ctx, 'read') },
  'GET /v1/agent/checks': { needs: none, filter: filters.checkMap },
  'PUT /v1/agent/check/register': {
    needs: (ctx) => {
      const sid = str(field(body(ctx.req), 'ServiceID'));
      if (!sid) return [node(ctx.agentNode, 'write')];
      const s = ctx.store?.getService(ctx.agentNode, sid);
      return [svc(s?.Service ?? sid, 'write')];
    },
  },
  'PUT /v1/agent/check/deregister/:id': { needs: (ctx) => checkNeeds(ctx, ctx.agentNode, str(params(ctx.req)['id'])) },
  'PUT /v1/agent/check/pass/:id': { needs: (ctx) => checkNeeds(ctx, ctx.agentNode, str(params(ctx.req)['id'])) },
  'PUT /v1/agent/check/warn/:id': { needs: (ctx) => checkNeeds(ctx, ctx.agentNode, str(params(ctx.req)['id'])) },
  'PUT /v1/agent/check/fail/:id': { needs: (ctx) => checkNeeds(ctx, ctx.agentNode, str(params(ctx.req)['id'])) },
  'PUT /v1/agent/check/update/:id': { needs: (ctx) => checkNeeds(ctx, ctx.agentNode, str(params(ctx.req)['id'])) },
  'GET /v1/agent/self': AGENT_READ,
  'GET /v1/agent/members': { needs: none, filter: (a) => filters.nodes(a, 'Name') },
  // config entries
  'PUT /v1/config': { needs: configBodyNeed },
  'GET /v1/config/:kind': { needs: none, filter: (a) => filters.configEntries(a, configEntryReadable) },
  'GET /v1/config/:kind/:name': { needs: configNameNeed('read') },
  'DELETE /v1/config/:kind/:name': { needs: configNameNeed('write') },
  // intentions
  'GET /v1/connect/intentions': { needs: none, filter: filters.intentions },
  'POST /v1/connect/intentions': { needs: (ctx) => [ixn(str(field(body(ctx.req), 'DestinationName')), 'write')] },
  'GET /v1/connect/intentions/exact': { needs: (ctx) => [ixn(refName(query(ctx.req)['destination']), 'read')] },
  'PUT /v1/connect/intentions/exact': { needs: (ctx) => [ixn(refName(query(ctx.req)['destination']), 'write')] },
  'DELETE /v1/connect/intentions/exact': { needs: (ctx) => [ixn(refName(query(ctx.req)['destination']), 'write')] },
  'GET /v1/connect/intentions/match': { needs: none, filter: filters.intentionMatches },
  'GET /v1/connect/intentions/check': { needs: (ctx) => [ixn(refName(query(ctx.req)['destination']), 'read')] },
  'GET /v1/connect/intentions/:id': { needs: (ctx) => intentionByIdNeeds(ctx, 'read') },
  'PUT /v1/connect/intentions/:id': { needs: (ctx) => intentionByIdNeeds(ctx, 'write') },
  'DELETE /v1/connect/intentions/:id': { needs: (ctx) => intentionByIdNeeds(ctx, 'write') },
  'POST /v1/agent/connect/authorize': { needs: (ctx) => [svc(str(field(body(ctx.req), 'Target')), 'write')] },
  'GET /v1/discovery-chain/:service': { needs: (ctx) => [svc(str(params(ctx.req)['service']), 'read')] },
  'POST /v1/discovery-chain/:service': { needs: (ctx) => [svc(str(params(ctx.req)['service']), 'read')] },
  // connect CA
  'GET /v1/connect/ca/roots': OPEN,
  'GET /v1/agent/connect/ca/roots': OPEN,
  'GET /v1/connect/ca/configuration': { needs: () => [glob('operator', 'read')] },
  'PUT /v1/connect/ca/configuration': { needs: () => [glob('operator', 'write')] },
  'GET /v1/agent/connect/ca/leaf/:service': { needs: (ctx) => [svc(str(params(ctx.req)['service']), 'write')] },
  // ACLs
  'PUT /v1/acl/bootstrap': OPEN,
  'PUT /v1/acl/token': ACL_WRITE,
  'GET /v1/acl/token/self': { needs: none },
  'GET /v1/acl/token/:AccessorID': ACL_READ,
  'PUT /v1/acl/token/:AccessorID': ACL_WRITE,
  'DELETE /v1/acl/token/:AccessorID': ACL_WRITE,
  'GET /v1/acl/tokens': ACL_READ,
  'PUT /v1/acl/policy': ACL_WRITE,
  'GET /v1/acl/policy/:id': ACL_READ,
  'PUT /v1/acl/policy/:id': ACL_WRITE,
  'DELETE /v1/acl/policy/:id': ACL_WRITE,
  'GET /v1/acl/policy/name/:name': ACL_READ,
  'GET /v1/acl/policies': ACL_READ,
};

/** Whether the token holds one permission. */
export function allowed(authz: Authorizer, need: Need): boolean {
  return 'name' in need ? authz.allows(need.resource, need.name, need.access) : authz.allowsGlobal(need.resource, need.access);
}

/** Consul's modern denial text, naming the accessor (never the secret), the permission and the resource. */
export function denialMessage(accessorId: string, need: Need): string {
  const on = 'name' in need ? ` on ${JSON.stringify(need.name)}` : '';
  return `Permission denied: token with AccessorID '${accessorId}' lacks permission '${need.resource}:${need.access}'${on}`;
}

/** The secret a request presents: X-Consul-Token, then `Authorization: Bearer`, then `?token=`. */
export function requestSecret(req: FastifyRequest): string | undefined {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  const q = query(req)['token'];
  return typeof q === 'string' && q !== '' ? q : undefined;
}

const ruleKey = (method: string, url: string): string => `${method === 'HEAD' ? 'GET' : method} ${url}`;

/** What the hooks need. */
export interface AclEnforcementOptions {
  resolver: AclResolver;
  store?: CatalogStore;
  /** This agent's node name (agent:* rules and agent-local lookups). */
  agentNode: string;
  logger: Logger;
  /** Rules for routes added outside this table (tests, future plugins). */
  extraRules?: Readonly<Record<string, RouteRule>>;
}

const tokens = new WeakMap<FastifyRequest, ResolvedToken>();
const routeLists = new WeakMap<FastifyInstance, Set<string>>();

/** The token a request was resolved to (absent on public routes or with ACLs off). */
export function requestToken(req: FastifyRequest): ResolvedToken | undefined {
  return tokens.get(req);
}

/** Every route (METHOD url, HEAD as GET) registered since enforcement was installed. */
export function routesSeenByAcl(app: FastifyInstance): string[] {
  return [...(routeLists.get(app) ?? [])].sort();
}

/** Every registered route (METHOD url) that has no ACL rule; recorded from the moment enforcement was installed. */
export function routesWithoutAclRule(app: FastifyInstance, extraRules: Readonly<Record<string, RouteRule>> = {}): string[] {
  return [...(routeLists.get(app) ?? [])].filter((k) => !ROUTE_RULES[k] && !extraRules[k]).sort();
}

/** Installs the ACL hooks on the root app; call before registering any route plugin. */
export function installAclEnforcement(app: FastifyInstance, opts: AclEnforcementOptions): void {
  const routes = new Set<string>();
  routeLists.set(app, routes);
  const rules: Readonly<Record<string, RouteRule>> = { ...ROUTE_RULES, ...opts.extraRules };
  const log = opts.logger.child({ component: 'acl' });
  const ruleOf = (req: FastifyRequest): RouteRule | undefined => {
    const url = req.routeOptions.url;
    return url === undefined ? undefined : rules[ruleKey(req.method, url)];
  };

  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routes.add(ruleKey(m, r.url));
  });

  // The token is read before validation, which strips unknown query fields such as `token`.
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url === undefined || ruleOf(req)?.public) return;
    const resolved = opts.resolver.resolve(requestSecret(req));
    if (!resolved) throw apiError('PERMISSION_DENIED', 'ACL not found');
    tokens.set(req, resolved);
  });

  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.url === undefined) return;
    const rule = ruleOf(req);
    if (rule?.public) return;
    const token = tokens.get(req);
    if (!token) throw apiError('PERMISSION_DENIED', 'ACL not found');
    if (token.authorizer.management) return;
    if (!rule) {
      log.warn({ route: ruleKey(req.method, req.routeOptions.url) }, 'route has no ACL rule; refusing');
      throw apiError('PERMISSION_DENIED', 'Permission denied');
    }
    for (const need of rule.needs?.({ req, store: opts.store, agentNode: opts.agentNode }) ?? []) {
      if (!allowed(token.authorizer, need)) throw apiError('PERMISSION_DENIED', denialMessage(token.accessorId, need));
    }
  });

  app.addHook('preSerialization', async (req, reply, payload: unknown) => {
    const rule = ruleOf(req);
    const token = tokens.get(req);
    if (!rule?.filter || !token || token.authorizer.management || reply.statusCode !== 200) return payload;
    const out = rule.filter(token.authorizer)(payload, token.authorizer);
    if (out.dropped) reply.header(FILTERED_HEADER, 'true');
    return out.body;
  });
}
