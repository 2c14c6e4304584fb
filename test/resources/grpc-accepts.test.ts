/**
 * The proxyless flavour of the discovery-chain features is accepted by
 * grpc-js-xds's own resource validators (the code that decides ACK or NACK),
 * including the lb_policy, hash policies, retry policy and failover priorities.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildProxyResources } from '../../xds/resources/index.ts';
import { messageType } from '../../xds/protos.ts';
import { GOLDEN_CASES } from './fixtures.ts';

const require = createRequire(import.meta.url);
const base = '@grpc/grpc-js-xds/build/src/xds-resource-type';
interface ResourceType {
  decode(context: unknown, resource: { type_url: string; value: Uint8Array }): { name: string; value?: unknown; error?: string };
}
const load = (file: string, cls: string): ResourceType => (require(`${base}/${file}`) as Record<string, { get(): ResourceType }>)[cls]!.get();

const KINDS = [
  ['clusters', 'envoy.config.cluster.v3.Cluster', load('cluster-resource-type.js', 'ClusterResourceType')],
  ['routes', 'envoy.config.route.v3.RouteConfiguration', load('route-config-resource-type.js', 'RouteConfigurationResourceType')],
  ['endpoints', 'envoy.config.endpoint.v3.ClusterLoadAssignment', load('endpoint-resource-type.js', 'EndpointResourceType')],
] as const;

// What the validators read of the client's bootstrap: the certificate provider the clusters name.
const context = { bootstrap: { certificateProviders: { switchboard: { plugin_name: 'file_watcher', config: {} } } }, server: {} };

describe('grpc-js-xds accepts the proxyless chain resources', () => {
  for (const name of ['proxyless-chain-features', 'proxyless-chain-failover-empty-primary'] as const) {
    it(name, () => {
      const res = buildProxyResources(GOLDEN_CASES[name]);
      const errors: string[] = [];
      let decoded = 0;
      for (const [key, typeName, type] of KINDS) {
        const T = messageType(typeName);
        for (const r of res[key]) {
          const value = T.encode(T.fromObject(r.resource)).finish();
          const out = type.decode(context, { type_url: `type.googleapis.com/${typeName}`, value });
          if (out.error) errors.push(`${key} ${r.name}: ${out.error}`);
          decoded++;
        }
      }
      expect(errors).toEqual([]);
      expect(decoded).toBeGreaterThanOrEqual(3);
    });
  }
});
