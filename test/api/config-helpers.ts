/** A fresh API over an in-memory store for the config, intention and discovery-chain tests. */
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiDeps } from '../../api/app.ts';
import { openSqliteStore, type SqliteCatalogStore } from '../../catalog/index.ts';
import { silentLogger } from '../../cli/logger.ts';

export interface Answer {
  status: number;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  index: number | undefined;
}

export interface ConfigApi {
  app: FastifyInstance;
  store: SqliteCatalogStore;
  call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

/** Builds the app over a new in-memory store; `extra` adds ApiDeps fields (trust domain, default policy, or a wrapped store). */
export async function configApi(extra: Partial<ApiDeps> = {}, wrap?: (s: SqliteCatalogStore) => ApiDeps['store']): Promise<ConfigApi> {
  const store = openSqliteStore({ path: ':memory:' });
  const app = await buildApi({ logger: silentLogger(), datacenter: 'dc1', store: wrap ? wrap(store) : store, ...extra });
  return {
    app,
    store,
    async call(method, url, body) {
      const res = await app.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      let json: unknown;
      try {
        json = JSON.parse(res.body);
      } catch {
        json = undefined;
      }
      const idx = res.headers['x-consul-index'];
      return { status: res.statusCode, body: res.body, json, index: idx === undefined ? undefined : Number(idx) };
    },
    async close() {
      await app.close();
      store.close();
    },
  };
}
