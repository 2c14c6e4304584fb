/** What the catalog, health and agent routes need from the server. */
import type { Logger } from 'pino';
import type { AgentIdentity, CatalogStore, HealthStatus, WriteResult } from '../catalog/index.ts';
import { apiError, badRequest, notFound } from './errors.ts';

export interface CatalogApiDeps {
  store: CatalogStore;
  /** The server's own node, where agent endpoints register services. */
  agent: AgentIdentity;
  datacenter: string;
  logger: Logger;
  /** Records a TTL check update through the health runner (refreshing its deadline); a plain status write without it. */
  updateTTL?: (checkId: string, status: HealthStatus, output: string) => Promise<WriteResult>;
}

/** Maps a refused write to its HTTP error (400 for bad references, 409 for a lost compare-and-swap). */
export function throwIfRefused(r: WriteResult, notFoundIs404 = false): void {
  if (r.ok) return;
  switch (r.reason) {
    case 'not-found':
      throw notFoundIs404 ? notFound(r.message) : badRequest(r.message);
    case 'cas-failed':
      throw apiError('CONFLICT', r.message);
    case 'invalid':
      throw badRequest(r.message);
  }
}

/** `node-meta=key:value` pairs, each required of a node. */
export function nodeMetaMatcher(pairs: readonly string[] | undefined): (meta: Record<string, string> | undefined) => boolean {
  if (!pairs || pairs.length === 0) return () => true;
  const want = pairs.map((p) => {
    const i = p.indexOf(':');
    return i < 0 ? ([p, ''] as const) : ([p.slice(0, i), p.slice(i + 1)] as const);
  });
  return (meta) => want.every(([k, v]) => (meta ?? {})[k] === v);
}
