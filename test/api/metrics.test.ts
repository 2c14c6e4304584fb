/** `/metrics` and `/v1/agent/metrics`: the registry's exposition, and a whole server's metrics with a real proxy connected. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import type { MetricsJson, MetricsSources } from '../../api/metrics.ts';
import { silentLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer, type RunningServer } from '../../cli/server.ts';
import { MetricsRegistry, toPrometheusText } from '../../xds/metrics.ts';
import { tallyOf, type ProxyStatus } from '../../xds/index.ts';
import { AdsTestClient, makeNode } from '../xds/ads-client.ts';

/** The value of one sample line in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics registry exposition', () => {
  it('renders counters, gauges and cumulative histograms with escaped labels', () => {
    const r = new MetricsRegistry();
    r.counter('t_requests_total', 'Requests.').inc({ code: '200' }, 3);
    r.gauge('t_temp', 'Temperature.').set({ room: 'a"b\\c\nd' }, 21.5);
    const h = r.histogram('t_latency_seconds', 'Latency.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(7);
    const text = toPrometheusText(r.collect());
    expect(text).toContain('# TYPE t_requests_total counter');
    expect(sample(text, 't_requests_total{code="200"}')).toBe(3);
    expect(sample(text, 't_temp{room="a\\"b\\\\c\\nd"}')).toBe(21.5);
    expect(sample(text, 't_latency_seconds_bucket{le="0.1"}')).toBe(1);
    expect(sample(text, 't_latency_seconds_bucket{le="1"}')).toBe(2);
    expect(sample(text, 't_latency_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(sample(text, 't_latency_seconds_sum')).toBeCloseTo(7.55);
    expect(sample(text, 't_latency_seconds_count')).toBe(3);
  });

  it('refuses bad names, negative increments, and a name reused with another kind', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('1bad', 'x')).toThrow(/invalid metric name/);
    expect(() => r.counter('ok_total', 'x').inc({}, -1)).toThrow(/non-negative/);
    expect(() => r.gauge('ok_total', 'x')).toThrow(/already registered as a counter/);
    expect(() => r.gauge('g', 'x').set({ 'bad-label': 'v' }, 1)).toThrow(/invalid label name "bad-label"/);
    expect(() => r.histogram('h', 'x', [2, 1])).toThrow(/ascend/);
  });
});

describe('metrics routes on a bare API', () => {
  it('counts streams by flavour and NACKed types from proxies()', async () => {
    const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const proxy = (flavour: 'envoy' | 'grpc', nackLatest: boolean): ProxyStatus => ({
      streamId: 1,
      nodeId: 'n',
      cluster: 'c',
      flavour,
      mode: 'delta',
      userAgent: 'x',
      connectedSince: at(0),
      backlogged: false,
      skippedPushes: 0,
      types: {
        clusters: {
          typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
          wildcard: true,
          subscribed: [],
          resources: [],
          lastSent: { version: 'v2', nonce: '2', at: at(2) },
          lastAcked: { version: 'v1', nonce: nackLatest ? '1' : '2', at: at(nackLatest ? 1 : 4) },
          lastNack: { version: 'v2', nonce: nackLatest ? '2' : '1', at: at(3), message: 'bad', code: 3 },
          staleRequests: 0,
        },
      },
    });
    const sources: MetricsSources = {
      xds: { streamTally: () => tallyOf([proxy('envoy', true), proxy('envoy', false), proxy('grpc', false)]) },
      cache: { stats: () => ({ encodings: 42, nodes: 3, watches: 7 }) },
      engine: { stats: () => ({ proxies: 3, builds: 9, pending: 1 }) },
      xdsTraffic: { traffic: () => ({ responsesSent: 12, nacksReceived: 2 }) },
    };
    const app = await buildApi({ logger: silentLogger(), datacenter: 'dc1', metrics: sources });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(sample(text, 'switchboard_xds_connected_proxies{flavour="envoy",mode="delta"}')).toBe(2);
      expect(sample(text, 'switchboard_xds_connected_proxies{flavour="grpc",mode="delta"}')).toBe(1);
      expect(sample(text, 'switchboard_xds_connected_proxies{flavour="envoy",mode="sotw"}')).toBe(0);
      expect(sample(text, 'switchboard_xds_nacked_types{type="clusters"}')).toBe(1);
      expect(sample(text, 'switchboard_xds_nack_records{type="clusters"}')).toBe(3);
      expect(sample(text, 'switchboard_xds_cache_encodings_total')).toBe(42);
      expect(sample(text, 'switchboard_mesh_builds_total')).toBe(9);
      expect(sample(text, 'switchboard_mesh_pending_builds')).toBe(1);
      expect(sample(text, 'switchboard_xds_responses_sent_total')).toBe(12);
      expect(sample(text, 'switchboard_xds_nacks_total')).toBe(2);
      expect(text).not.toContain('switchboard_xds_acks_total');
      expect(sample(text, 'switchboard_process_memory_bytes{kind="rss"}')).toBeGreaterThan(0);

      const prom = await app.inject({ method: 'GET', url: '/v1/agent/metrics?format=prometheus' });
      expect(prom.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(prom.body).toContain('switchboard_mesh_builds_total 9');

      const bad = await app.inject({ method: 'GET', url: '/v1/agent/metrics?format=xml' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('format');
    } finally {
      await app.close();
    }
  });
});

describe('metrics of a whole server', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-metrics-'));
    server = await startServer({
      ...defaultServerOptions(silentLogger()),
      acl: { enabled: false },
      dataDir: dir,
      httpPort: 0,
      grpcPort: 0,
      dnsPort: -1,
      defaultIntentionPolicy: 'allow',
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a connected Envoy stream and process figures in JSON', async () => {
    const client = new AdsTestClient(server.grpcAddress);
    try {
      const stream = client.delta();
      stream.send({ node: makeNode('web-1-sidecar-proxy'), type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
      // The stream is identified once its first request has been read.
      let json: MetricsJson | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await server.api.inject({ method: 'GET', url: '/v1/agent/metrics' });
        expect(res.statusCode).toBe(200);
        json = res.json<MetricsJson>();
        const connected = json.Gauges.find((g) => g.Name === 'switchboard_xds_connected_proxies' && g.Labels['flavour'] === 'envoy' && g.Labels['mode'] === 'delta');
        if (connected?.Value === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const gauge = (name: string, labels: Record<string, string> = {}): number | undefined =>
        json?.Gauges.find((g) => g.Name === name && Object.entries(labels).every(([k, v]) => g.Labels[k] === v))?.Value;
      expect(gauge('switchboard_xds_connected_proxies', { flavour: 'envoy', mode: 'delta' })).toBe(1);
      expect(gauge('switchboard_process_memory_bytes', { kind: 'heap_used' })).toBeGreaterThan(0);
      expect(gauge('switchboard_event_loop_lag_seconds', { quantile: '0.99' })).toBeGreaterThanOrEqual(0);
      expect(json?.Counters.find((c) => c.Name === 'switchboard_process_cpu_seconds_total' && c.Labels['mode'] === 'user')?.Sum).toBeGreaterThan(0);
      expect(typeof json?.Timestamp).toBe('string');

      // The xDS server's own totals and gauges, kept as streams work.
      const text = (await server.api.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(text, 'switchboard_xds_streams_opened_total')).toBe(1);
      expect(sample(text, 'switchboard_xds_responses_sent_total')).toBe(server.xds.traffic().responsesSent);
      // The scrape tallies stream state directly; it must agree with the statuses /v1/xds/proxies shows.
      expect(server.xds.streamTally()).toEqual(tallyOf(server.xds.proxies()));
      expect(server.xds.streamTally().connected.get('envoy/delta')).toBe(1);
      expect(sample(text, 'switchboard_xds_backlogged_streams')).toBe(0);
      expect(sample(text, 'switchboard_xds_push_queue_length')).toBe(0);
      expect(text).toContain('# TYPE switchboard_xds_convergence_seconds histogram');
    } finally {
      client.close();
    }
  });
});
