/**
 * Validator cost per resource and per proxy set.
 * Run: node --import tsx bench/validate-bench.ts
 */
import { performance } from 'node:perf_hooks';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../xds/type-urls.ts';
import { validateResource, validateResourceSet } from '../xds/validate/index.ts';
import { envoyRoot } from '../xds/protos.ts';
import {
  makeCla, makeEdsCluster, makePublicListener, makeRouteConfig, makeSidecarSet, upstreamClusterName, type RouteTarget,
} from '../test/validate/fixtures.ts';

function measure(label: string, units: number, fn: () => unknown): void {
  // Warm up: builds the per-type plans and lets the JIT settle.
  for (let i = 0; i < 200; i++) fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    for (let i = 0; i < 100; i++) fn();
    iterations += 100;
    elapsed = performance.now() - start;
  }
  const us = (elapsed * 1000) / iterations;
  console.log(`${label.padEnd(52)} ${us.toFixed(1).padStart(8)} µs/op  ${(us / units).toFixed(1).padStart(7)} µs/resource  (${iterations} ops)`);
}

function mustPass(r: { ok: boolean }, what: string): void {
  if (!r.ok) throw new Error(`benchmark fixture ${what} does not validate: ${JSON.stringify(r)}`);
}

const t0 = performance.now();
envoyRoot();
const t1 = performance.now();
const listener = makePublicListener();
mustPass(validateResource(LISTENER_TYPE, listener), 'listener');
const t2 = performance.now();
console.log(`proto load ${(t1 - t0).toFixed(0)} ms; first validation (plan compile) ${(t2 - t1).toFixed(1)} ms`);

const cluster = makeEdsCluster('db');
const cla = makeCla(upstreamClusterName('db'), 5);
const targets: RouteTarget[] = Array.from({ length: 10 }, (_, i) =>
  i % 3 === 0 ? { weighted: [[upstreamClusterName('a'), 90], [upstreamClusterName('b'), 10]] } : { cluster: upstreamClusterName(`s${i}`) });
const routes = makeRouteConfig('db', targets);
const set = makeSidecarSet(5);
const setSize = Object.values(set).reduce((n, l) => n + l.length, 0);
for (const [r, t, w] of [[cluster, CLUSTER_TYPE, 'cluster'], [cla, ENDPOINT_TYPE, 'cla'], [routes, ROUTE_TYPE, 'routes']] as const) mustPass(validateResource(t, r), w);
mustPass(validateResourceSet(set), 'set');

measure('Listener (HCM + RBAC + router + DownstreamTlsContext)', 1, () => validateResource(LISTENER_TYPE, listener));
measure('Cluster (EDS + UpstreamTlsContext)', 1, () => validateResource(CLUSTER_TYPE, cluster));
measure('ClusterLoadAssignment (5 endpoints)', 1, () => validateResource(ENDPOINT_TYPE, cla));
measure('RouteConfiguration (10 routes)', 1, () => validateResource(ROUTE_TYPE, routes));
measure(`sidecar set (${setSize} resources, with references)`, setSize, () => validateResourceSet(set));
