/** `/v1/xds/proxies`: what every connected proxy subscribes to, was sent, ACKed and NACKed. */
import type { FastifyPluginAsync } from 'fastify';
import type { ProxyStatus, TypeStatus, VersionStamp, NackRecord } from '../xds/index.ts';
import type { ApiDeps } from './app.ts';

/** What the route needs from the xDS server. */
export interface XdsStatusSource {
  proxies(): ProxyStatus[];
}

/** Why a proxy gets no (new) configuration: unknown node id, failed validation, ... */
export interface ProxyProblemSource {
  problemOf(nodeId: string): { message: string; since: string } | undefined;
}

/** A response sent or ACKed, as the API shows it. */
export interface ApiStamp {
  Version: string;
  Nonce: string;
  Time: string;
}

/** One resource type of one stream, as the API shows it. */
export interface ApiTypeStatus {
  TypeURL: string;
  Wildcard: boolean;
  Subscribed: string[];
  Resources: string[];
  LastSent: ApiStamp | null;
  LastAcked: ApiStamp | null;
  LastNack: (ApiStamp & { Message: string; Code: number }) | null;
  StaleRequests: number;
}

/** One ADS stream, as `/v1/xds/proxies` shows it. */
export interface ApiProxyStatus {
  NodeID: string;
  StreamID: number;
  Cluster: string;
  Flavour: 'envoy' | 'grpc';
  Mode: 'sotw' | 'delta';
  UserAgent: string;
  ConnectedSince: string;
  /** The proxy stopped reading: pushes wait for its connection to drain, keeping only the latest state per type. */
  Backlogged: boolean;
  /** Pushes replaced by a later state before they could be written (versions the proxy never saw). */
  SkippedPushes: number;
  Types: Record<string, ApiTypeStatus>;
  /** Set when the control plane cannot (re)configure this proxy, with the reason. */
  Problem: { Message: string; Since: string } | null;
}

function stamp(s: VersionStamp | undefined): ApiStamp | null {
  return s ? { Version: s.version, Nonce: s.nonce, Time: s.at } : null;
}

function nack(n: NackRecord | undefined): (ApiStamp & { Message: string; Code: number }) | null {
  return n ? { Version: n.version, Nonce: n.nonce, Time: n.at, Message: n.message, Code: n.code } : null;
}

function typeToApi(t: TypeStatus): ApiTypeStatus {
  return {
    TypeURL: t.typeUrl,
    Wildcard: t.wildcard,
    Subscribed: t.subscribed,
    Resources: t.resources,
    LastSent: stamp(t.lastSent),
    LastAcked: stamp(t.lastAcked),
    LastNack: nack(t.lastNack),
    StaleRequests: t.staleRequests,
  };
}

/** One proxy stream in the API's PascalCase shape. */
export function proxyStatusToApi(p: ProxyStatus, problems?: ProxyProblemSource): ApiProxyStatus {
  const problem = problems?.problemOf(p.nodeId);
  return {
    NodeID: p.nodeId,
    StreamID: p.streamId,
    Cluster: p.cluster,
    Flavour: p.flavour,
    Mode: p.mode,
    UserAgent: p.userAgent,
    ConnectedSince: p.connectedSince,
    Backlogged: p.backlogged,
    SkippedPushes: p.skippedPushes,
    Types: Object.fromEntries(Object.entries(p.types).map(([k, v]) => [k, typeToApi(v)])),
    Problem: problem ? { Message: problem.message, Since: problem.since } : null,
  };
}

const stampProperties = { Version: { type: 'string' }, Nonce: { type: 'string' }, Time: { type: 'string' } } as const;

const typeStatusSchema = {
  type: 'object',
  properties: {
    TypeURL: { type: 'string' },
    Wildcard: { type: 'boolean' },
    Subscribed: { type: 'array', items: { type: 'string' } },
    Resources: { type: 'array', items: { type: 'string' } },
    LastSent: { type: ['object', 'null'], properties: stampProperties },
    LastAcked: { type: ['object', 'null'], properties: stampProperties },
    LastNack: { type: ['object', 'null'], properties: { ...stampProperties, Message: { type: 'string' }, Code: { type: 'integer' } } },
    StaleRequests: { type: 'integer' },
  },
} as const;

const proxiesResponseSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      NodeID: { type: 'string' },
      StreamID: { type: 'integer' },
      Cluster: { type: 'string' },
      Flavour: { type: 'string', enum: ['envoy', 'grpc'] },
      Mode: { type: 'string', enum: ['sotw', 'delta'] },
      UserAgent: { type: 'string' },
      ConnectedSince: { type: 'string' },
      Backlogged: { type: 'boolean' },
      SkippedPushes: { type: 'integer' },
      Types: { type: 'object', additionalProperties: typeStatusSchema },
      Problem: { type: ['object', 'null'], properties: { Message: { type: 'string' }, Since: { type: 'string' } } },
    },
  },
} as const;

const querySchema = {
  type: 'object',
  properties: { node: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

export const xdsRoutes: FastifyPluginAsync<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get<{ Querystring: { node?: string } }>('/v1/xds/proxies', { schema: { querystring: querySchema, response: { 200: proxiesResponseSchema } } }, async (req) => {
    const all = deps.xds?.proxies() ?? [];
    const node = req.query.node;
    return all.filter((p) => node === undefined || p.nodeId === node).map((p) => proxyStatusToApi(p, deps.proxyProblems));
  });
};
