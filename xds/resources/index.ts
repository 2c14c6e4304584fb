/** Pure translation: ProxySnapshot → Envoy resources, per type, sorted by name. */
import type { ProxySnapshot } from '../snapshot/types.ts';
import { buildClusters } from './clusters.ts';
import { buildEndpoints } from './endpoints.ts';
import { buildListeners } from './listeners.ts';
import { buildRoutes } from './routes.ts';
import { buildSecrets } from './secrets.ts';
import type { BuiltResource, Diagnostic, EnvoyMessage } from './common.ts';

export type { BuiltResource, Diagnostic, EnvoyMessage } from './common.ts';
export { loadAssignment, upstreamAssignments } from './endpoints.ts';
export { sidecarInboundListener } from './listeners.ts';
export { NO_MEMO, SharedBuilds, type BuildMemo } from './memo.ts';
import { NO_MEMO, type BuildMemo } from './memo.ts';

/** All resources of one proxy. */
export interface ProxyResources {
  listeners: BuiltResource[];
  clusters: BuiltResource[];
  routes: BuiltResource[];
  endpoints: BuiltResource[];
  secrets: BuiltResource[];
  diagnostics: Diagnostic[];
}

/** The resources of a proxy as the validator and the cache take them: messages by type. */
export interface ResourceSet {
  listeners: EnvoyMessage[];
  clusters: EnvoyMessage[];
  routes: EnvoyMessage[];
  endpoints: EnvoyMessage[];
  secrets: EnvoyMessage[];
}

/** Strips names off built resources, keeping their order (proxyless proxies simply have no secrets). */
export function resourceSetOf(built: ProxyResources): ResourceSet {
  const messages = (rs: BuiltResource[]): EnvoyMessage[] => rs.map((r) => r.resource);
  return {
    listeners: messages(built.listeners),
    clusters: messages(built.clusters),
    routes: messages(built.routes),
    endpoints: messages(built.endpoints),
    secrets: messages(built.secrets),
  };
}

/**
 * Builds every resource of a proxy from its snapshot. No I/O, no clock: same
 * input, same output. With a memo, resources equal to ones built for another
 * proxy (or an earlier build) are that same object, built once.
 */
export function buildProxyResources(s: ProxySnapshot, memo: BuildMemo = NO_MEMO): ProxyResources {
  return {
    listeners: buildListeners(s, memo),
    clusters: buildClusters(s, memo),
    routes: buildRoutes(s, memo),
    endpoints: buildEndpoints(s, memo),
    secrets: buildSecrets(s, memo),
    diagnostics: [],
  };
}
