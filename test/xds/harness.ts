/** Starts an ADS server with a SnapshotCache and the HTTP API in front of it, on 127.0.0.1:0. */
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/app.ts';
import type { ApiProxyStatus } from '../../api/xds.ts';
import { silentLogger } from '../../cli/logger.ts';
import { SnapshotCache, XdsServer, CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import type { SnapshotInput } from '../../xds/index.ts';
import { AdsTestClient } from './ads-client.ts';
import { makeCluster, makeEndpoints, makeListener, makeRoute } from './fixtures.ts';

export interface XdsHarness {
  cache: SnapshotCache;
  server: XdsServer;
  api: FastifyInstance;
  address: string;
  client(): AdsTestClient;
  /** `/v1/xds/proxies` through the API. */
  proxies(): Promise<ApiProxyStatus[]>;
  /** The first stream of `nodeId` in `/v1/xds/proxies`, waiting until the proxy has named itself. */
  proxy(nodeId: string): Promise<ApiProxyStatus>;
  /** Resolves once some stream of `nodeId` has ACKed or NACKed `nonce` for the type (`clusters`...). */
  replied(nodeId: string, type: string, nonce: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/** Starts a harness; close it in afterEach/afterAll. */
export async function startXds(): Promise<XdsHarness> {
  const cache = new SnapshotCache();
  const logger = silentLogger();
  const server = new XdsServer({ cache, logger });
  const port = await server.listen('127.0.0.1', 0);
  const api = await buildApi({ logger, datacenter: 'dc1', xds: server });
  const clients: AdsTestClient[] = [];
  const address = `127.0.0.1:${port}`;
  const proxies = async (): Promise<ApiProxyStatus[]> => {
    const res = await api.inject({ method: 'GET', url: '/v1/xds/proxies' });
    if (res.statusCode !== 200) throw new Error(`GET /v1/xds/proxies: ${res.statusCode} ${res.body}`);
    return res.json() as ApiProxyStatus[];
  };
  return {
    cache,
    server,
    api,
    address,
    client() {
      const c = new AdsTestClient(address);
      clients.push(c);
      return c;
    },
    proxies,
    async proxy(nodeId) {
      for (let i = 0; i < 300; i++) {
        const found = (await proxies()).find((p) => p.NodeID === nodeId);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${nodeId} never connected`);
    },
    async replied(nodeId, type, nonce) {
      for (let i = 0; i < 300; i++) {
        const streams = (await proxies()).filter((p) => p.NodeID === nodeId);
        if (streams.some((p) => p.Types[type]?.LastAcked?.Nonce === nonce || p.Types[type]?.LastNack?.Nonce === nonce)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${nodeId} never replied to ${type} nonce ${nonce}`);
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      await api.close();
    },
  };
}

/** A mesh of `n` services: cluster, endpoints, listener and route each, with an endpoint port per generation. */
export function meshSnapshot(services: string[], generation = 1, extra: SnapshotInput = {}): SnapshotInput {
  return {
    [CLUSTER_TYPE]: services.map((s) => makeCluster(s, { connectTimeoutSeconds: generation })),
    [ENDPOINT_TYPE]: services.map((s) => makeEndpoints(s, [{ host: '10.0.0.1', port: 8000 + generation }])),
    [LISTENER_TYPE]: services.map((s) => makeListener(s, `${s}-routes`)),
    [ROUTE_TYPE]: services.map((s) => makeRoute(`${s}-routes`, s, [s, `gen${generation}`])),
    [SECRET_TYPE]: [],
    ...extra,
  };
}
