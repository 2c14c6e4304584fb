/** `/v1/xds/proxies`: what every connected proxy subscribes to, was sent, ACKed and NACKed. */
import type { FastifyPluginAsync } from 'fastify';
import type { ProxyStatus, TypeStatus, VersionStamp, NackRecord } from '../xds/index.ts';
import type { ApiDeps } from './app.ts';

/** What the route needs from the xDS server. */
export interface XdsStatusSource {
  proxies(): ProxyStatus[];
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
  Types: Record<string, ApiTypeStatus>;
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
export function proxyStatusToApi(p: ProxyStatus): ApiProxyStatus {
  return {
    NodeID: p.nodeId,
    StreamID: p.streamId,
    Cluster: p.cluster,
    Flavour: p.flavour,
    Mode: p.mode,
    UserAgent: p.userAgent,
    ConnectedSince: p.connectedSince,
    Types: Object.fromEntries(Object.entries(p.types).map(([k, v]) => [k, typeToApi(v)])),
  };
}

const querySchema = {
  type: 'object',
  properties: { node: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

export const xdsRoutes: FastifyPluginAsync<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get<{ Querystring: { node?: string } }>('/v1/xds/proxies', { schema: { querystring: querySchema } }, async (req) => {
    const all = deps.xds?.proxies() ?? [];
    const node = req.query.node;
    return all.filter((p) => node === undefined || p.nodeId === node).map(proxyStatusToApi);
  });
};
