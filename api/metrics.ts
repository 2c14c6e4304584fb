/**
 * `/metrics` and `/v1/agent/metrics`: the control plane's own health in
 * Prometheus text (or Consul-like JSON). Everything is read at scrape time
 * from the components' status (`MetricsSources`), so nothing in the hot path
 * pays for metrics it does not keep anyway.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyPluginAsync } from 'fastify';
import type { StreamTally } from '../xds/index.ts';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE, toPrometheusText, type HistogramValue, type Labels, type MetricFamily } from '../xds/metrics.ts';

/** Totals an xDS server may keep about what it sent and heard (all optional: each one present becomes a counter). */
export interface XdsTrafficTotals {
  /** Discovery responses written. */
  responsesSent?: number;
  /** Resources carried by those responses (delta: updated ones; SotW: every one listed). */
  resourcesSent?: number;
  /** Names removed: delta `removed_resources`, or names a SotW response no longer lists. */
  removalsSent?: number;
  /** Requests that ACKed a response. */
  acksReceived?: number;
  /** Requests that NACKed a response. */
  nacksReceived?: number;
  /** ADS streams opened since start. */
  streamsOpened?: number;
}

/** Where the metrics come from; every source is optional. */
export interface MetricsSources {
  /** Counts over the connected streams (`XdsServer.streamTally()`; `tallyOf(statuses)` makes one from statuses). */
  xds?: { streamTally(): StreamTally };
  /** Traffic totals of the xDS server, if it keeps them. */
  xdsTraffic?: { traffic(): XdsTrafficTotals };
  /** The resource cache (`SnapshotCache.stats()`). */
  cache?: { stats(): { encodings: number; nodes: number; watches: number } };
  /** The mesh engine (`MeshEngine.stats()`). */
  engine?: { stats(): { proxies: number; builds: number; pending: number; rejectedBuilds?: number; unchangedBuilds?: number; patchedBuilds?: number } };
  /** A registry other components add their own families to; exposed alongside these. */
  registry?: MetricsRegistry;
}

const NS_PER_S = 1e9;

/** Registers every family fed by `sources` in `registry`; returns a function that stops the event-loop monitor. */
export function registerServerMetrics(registry: MetricsRegistry, sources: MetricsSources): () => void {
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  const cpu = registry.counter('switchboard_process_cpu_seconds_total', 'CPU time used by the server process, by mode.');
  const mem = registry.gauge('switchboard_process_memory_bytes', 'Memory of the server process, by kind (rss, heap_used, heap_total, external, array_buffers).');
  const lag = registry.gauge('switchboard_event_loop_lag_seconds', 'Event-loop delay since the previous scrape, by quantile (0.5, 0.99, max).');
  registry.addCollector(() => {
    const u = process.cpuUsage();
    cpu.setTotal({ mode: 'user' }, u.user / 1e6);
    cpu.setTotal({ mode: 'system' }, u.system / 1e6);
    const m = process.memoryUsage();
    mem.set({ kind: 'rss' }, m.rss);
    mem.set({ kind: 'heap_used' }, m.heapUsed);
    mem.set({ kind: 'heap_total' }, m.heapTotal);
    mem.set({ kind: 'external' }, m.external);
    mem.set({ kind: 'array_buffers' }, m.arrayBuffers);
    // An empty window (no sample yet) reads as zeros rather than the histogram's huge sentinel minimum.
    const has = loop.count > 0;
    lag.set({ quantile: '0.5' }, has ? loop.percentile(50) / NS_PER_S : 0);
    lag.set({ quantile: '0.99' }, has ? loop.percentile(99) / NS_PER_S : 0);
    lag.set({ quantile: 'max' }, has ? loop.max / NS_PER_S : 0);
    loop.reset();
  });

  if (sources.xds) {
    const xds = sources.xds;
    const proxies = registry.gauge('switchboard_xds_connected_proxies', 'Identified ADS streams, by proxy flavour (envoy, grpc) and ADS mode (delta, sotw).');
    const nacked = registry.gauge('switchboard_xds_nacked_types', 'Resource types whose latest response the proxy rejected (NACK), by type.');
    const everNacked = registry.gauge('switchboard_xds_nack_records', 'Resource types of open streams that NACKed at least once, by type.');
    const unacked = registry.gauge('switchboard_xds_unacked_types', 'Resource types with a response sent and not yet ACKed or NACKed, by type.');
    registry.addCollector(() => {
      proxies.reset();
      nacked.reset();
      everNacked.reset();
      unacked.reset();
      for (const flavour of ['envoy', 'grpc']) for (const mode of ['delta', 'sotw']) proxies.set({ flavour, mode }, 0);
      const t = xds.streamTally();
      for (const [key, n] of t.connected) {
        const [flavour = '', mode = ''] = key.split('/');
        proxies.set({ flavour, mode }, n);
      }
      for (const [type, n] of t.nacked) nacked.set({ type }, n);
      for (const [type, n] of t.everNacked) everNacked.set({ type }, n);
      for (const [type, n] of t.unacked) unacked.set({ type }, n);
    });
  }

  if (sources.xdsTraffic) {
    const traffic = sources.xdsTraffic;
    const names: Record<keyof XdsTrafficTotals, [string, string]> = {
      responsesSent: ['switchboard_xds_responses_sent_total', 'Discovery responses written to proxies.'],
      resourcesSent: ['switchboard_xds_resources_sent_total', 'Resources carried by discovery responses.'],
      removalsSent: ['switchboard_xds_removals_sent_total', 'Resource names removed from proxies (delta removed_resources, or left out of a SotW set).'],
      acksReceived: ['switchboard_xds_acks_total', 'Requests that accepted a response (ACK).'],
      nacksReceived: ['switchboard_xds_nacks_total', 'Requests that rejected a response (NACK).'],
      streamsOpened: ['switchboard_xds_streams_opened_total', 'ADS streams opened since start.'],
    };
    registry.addCollector(() => {
      const t = traffic.traffic();
      for (const key of Object.keys(names) as Array<keyof XdsTrafficTotals>) {
        const v = t[key];
        if (v === undefined) continue;
        const [name, help] = names[key];
        registry.counter(name, help).setTotal({}, v);
      }
    });
  }

  if (sources.cache) {
    const cache = sources.cache;
    const encodings = registry.counter('switchboard_xds_cache_encodings_total', 'Resources encoded by the cache (each distinct resource once).');
    const nodes = registry.gauge('switchboard_xds_cache_nodes', 'Proxies holding a snapshot in the cache.');
    const watches = registry.gauge('switchboard_xds_cache_watches', 'Open watches on the cache.');
    registry.addCollector(() => {
      const s = cache.stats();
      encodings.setTotal({}, s.encodings);
      nodes.set({}, s.nodes);
      watches.set({}, s.watches);
    });
  }

  if (sources.engine) {
    const engine = sources.engine;
    const tracked = registry.gauge('switchboard_mesh_proxies', 'Proxies the mesh engine keeps configured.');
    const builds = registry.counter('switchboard_mesh_builds_total', 'Proxy configurations built and published.');
    const pending = registry.gauge('switchboard_mesh_pending_builds', 'Proxies waiting for, or in, a rebuild.');
    const rejected = registry.counter(
      'switchboard_mesh_rejected_builds_total',
      'Proxy configurations not sent because they failed Envoy validation (the proxy keeps its last good one).',
    );
    const unchanged = registry.counter('switchboard_mesh_unchanged_builds_total', 'Rebuilds stopped after gathering: every input was the one the published build was made from.');
    const patched = registry.counter('switchboard_mesh_patched_builds_total', "Proxies whose endpoints were patched in without a rebuild (only their upstreams' endpoints changed).");
    registry.addCollector(() => {
      const s = engine.stats();
      tracked.set({}, s.proxies);
      builds.setTotal({}, s.builds);
      pending.set({}, s.pending);
      rejected.setTotal({}, s.rejectedBuilds ?? 0);
      if (s.unchangedBuilds !== undefined) unchanged.setTotal({}, s.unchangedBuilds);
      if (s.patchedBuilds !== undefined) patched.setTotal({}, s.patchedBuilds);
    });
  }

  return () => loop.disable();
}

/** A counter, gauge or sample in the JSON shape of `/v1/agent/metrics`. */
export interface JsonMetric {
  Name: string;
  Labels: Record<string, string>;
}

/** The JSON body of `/v1/agent/metrics`. */
export interface MetricsJson {
  Timestamp: string;
  Gauges: Array<JsonMetric & { Value: number }>;
  Points: never[];
  Counters: Array<JsonMetric & { Count: number; Sum: number }>;
  Samples: Array<JsonMetric & { Count: number; Sum: number; Mean: number; Buckets: Record<string, number> }>;
}

/** Turns collected families into the Consul-like JSON shape (counters report their running total as Sum and Count). */
export function toMetricsJson(families: readonly MetricFamily[], now: Date): MetricsJson {
  const out: MetricsJson = { Timestamp: now.toISOString(), Gauges: [], Points: [], Counters: [], Samples: [] };
  for (const f of families) {
    for (const s of f.series) {
      const base = { Name: f.name, Labels: { ...s.labels } };
      if (f.kind === 'gauge') out.Gauges.push({ ...base, Value: s.value as number });
      else if (f.kind === 'counter') out.Counters.push({ ...base, Count: s.value as number, Sum: s.value as number });
      else {
        const h = s.value as HistogramValue;
        const Buckets: Record<string, number> = {};
        h.bounds.forEach((b, i) => (Buckets[String(b)] = h.cumulative[i] ?? 0));
        out.Samples.push({ ...base, Count: h.count, Sum: h.sum, Mean: h.count === 0 ? 0 : h.sum / h.count, Buckets });
      }
    }
  }
  return out;
}

/** Plugin options: the sources, and the clock for JSON timestamps. */
export interface MetricsRouteOptions {
  sources: MetricsSources;
  now?: () => Date;
}

/** Registers `GET /metrics` (Prometheus) and `GET /v1/agent/metrics` (JSON, or Prometheus with `?format=prometheus`). */
export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, opts) => {
  const registry = opts.sources.registry ?? new MetricsRegistry();
  const stop = registerServerMetrics(registry, opts.sources);
  app.addHook('onClose', async () => stop());
  const now = opts.now ?? (() => new Date());

  app.get('/metrics', async (_req, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(toPrometheusText(registry.collect())));
  app.get<{ Querystring: { format?: string } }>(
    '/v1/agent/metrics',
    { schema: { querystring: { type: 'object', properties: { format: { type: 'string', enum: ['prometheus', 'json'] } } } } },
    async (req, reply) => {
      const families = registry.collect();
      if (req.query.format === 'prometheus') return reply.type(PROMETHEUS_CONTENT_TYPE).send(toPrometheusText(families));
      return toMetricsJson(families, now());
    },
  );
};
