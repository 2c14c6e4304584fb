import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProxyResources } from '../../xds/resources/index.ts';
import { messageType } from '../../xds/protos.ts';
import { GOLDEN_CASES } from './fixtures.ts';

const GOLDEN_DIR = path.join(import.meta.dirname, '..', 'golden');
const TYPES = {
  listeners: 'envoy.config.listener.v3.Listener',
  clusters: 'envoy.config.cluster.v3.Cluster',
  routes: 'envoy.config.route.v3.RouteConfiguration',
  endpoints: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secrets: 'envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

/** Recursively sorted JSON, so a golden diff shows content, not key order. */
function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

describe('resource builders match their golden files', () => {
  for (const [caseName, snapshot] of Object.entries(GOLDEN_CASES)) {
    for (const typeKey of Object.keys(TYPES) as (keyof typeof TYPES)[]) {
      it(`${typeKey}/${caseName}`, () => {
        const built = buildProxyResources(snapshot)[typeKey].map((r) => r.resource);
        const file = path.join(GOLDEN_DIR, typeKey, `${caseName}.json`);
        const actual = stableJson(built);
        if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
          if (!fs.existsSync(file) && process.env.CI) throw new Error(`missing golden file ${file}`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, actual);
        }
        expect(actual).toBe(fs.readFileSync(file, 'utf8'));
      });
    }
  }

  it('is deterministic: the same snapshot gives byte-identical output', () => {
    for (const snapshot of Object.values(GOLDEN_CASES)) {
      expect(JSON.stringify(buildProxyResources(snapshot))).toBe(JSON.stringify(buildProxyResources(structuredClone(snapshot))));
    }
  });

  it('every resource encodes with Envoy protos and decodes back to the same message', () => {
    for (const snapshot of Object.values(GOLDEN_CASES)) {
      const res = buildProxyResources(snapshot);
      for (const typeKey of Object.keys(TYPES) as (keyof typeof TYPES)[]) {
        const T = messageType(TYPES[typeKey]);
        for (const r of res[typeKey]) {
          const bytes = T.encode(T.fromObject(r.resource)).finish();
          const back = T.toObject(T.decode(bytes), { enums: String, longs: Number, json: true });
          expect(back['name'] ?? back['cluster_name'], r.name).toBe(r.name);
          expect(bytes.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('resource builders satisfy Envoy validate.rules and cross-references', () => {
  for (const [caseName, snapshot] of Object.entries(GOLDEN_CASES)) {
    it(caseName, async () => {
      const { validateResourceSet, formatViolation } = await import('../../xds/validate/index.ts');
      const res = buildProxyResources(snapshot);
      const set = {
        listeners: res.listeners.map((r) => r.resource),
        clusters: res.clusters.map((r) => r.resource),
        routes: res.routes.map((r) => r.resource),
        endpoints: res.endpoints.map((r) => r.resource),
        ...(snapshot.kind === 'connect-proxy' ? { secrets: res.secrets.map((r) => r.resource) } : {}),
      };
      const result = validateResourceSet(set);
      expect(result.ok ? [] : result.violations.map((v) => formatViolation(v, true))).toEqual([]);
    });
  }
});
