/** Registers the config-entry, intention and discovery-chain routes, sharing one view of the entries and one write lane. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CatalogStore } from '../catalog/index.ts';
import { configRoutes } from './config.ts';
import { ConfigEntries, type ConfigApiDeps } from './config-state.ts';
import { discoveryChainRoutes } from './discovery-chain.ts';
import { intentionRoutes } from './intentions.ts';

/** Options of the config routes; everything but the store and datacenter has a default. */
export interface ConfigRoutesOptions {
  store: CatalogStore;
  datacenter: string;
  trustDomain?: () => string | undefined;
  /** Default false (deny), matching the mesh engine's default. */
  defaultIntentionAllow?: boolean;
  now?: () => Date;
  newId?: () => string;
}

/** Registers `/v1/config`, `/v1/connect/intentions*`, `/v1/agent/connect/authorize` and `/v1/discovery-chain`. */
export async function registerConfigRoutes(app: FastifyInstance, opts: ConfigRoutesOptions): Promise<void> {
  const deps: ConfigApiDeps = {
    store: opts.store,
    datacenter: opts.datacenter,
    trustDomain: opts.trustDomain ?? (() => undefined),
    defaultIntentionAllow: opts.defaultIntentionAllow ?? false,
    now: opts.now ?? (() => new Date()),
    newId: opts.newId ?? randomUUID,
  };
  const entries = new ConfigEntries(opts.store);
  await app.register(configRoutes, { deps, entries });
  await app.register(intentionRoutes, { deps, entries });
  await app.register(discoveryChainRoutes, { deps, entries });
}
