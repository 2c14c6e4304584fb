/** The load generator's pure parts: the mesh plan, flags, percentiles, the recording format, profile summaries. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, smokeFailures } from '../../bench/run.ts';
import { catalogRegisterBodies, checkStatusBody, churnInstance, planMesh, instanceOps, nodeOps, plannedNodeAddress } from '../../bench/loadgen/mesh-plan.ts';
import { openFileCount, openFileLimit } from '../../bench/loadgen/proc-stats.ts';
import { closeSync, openSync } from 'node:fs';
import { refsOf } from '../../bench/loadgen/resource-refs.ts';
import { channelTarget } from '../../bench/loadgen/sim-proxy.ts';
import { encodeDeltaRequest } from '../../bench/loadgen/xds-codec.ts';
import { CLUSTER_TYPE, LISTENER_TYPE, messageType } from '../../xds/index.ts';
import { readRecording, writeRecording } from '../../bench/loadgen/replay-server.ts';
import { spread, promSample, promSum } from '../../bench/loadgen/stats.ts';
import { topFunctions } from '../../bench/loadgen/profile-top.ts';
import { ReceivedVersions } from '../../bench/loadgen/received-versions.ts';
import { encodeOnceExcess, encodeOnceOf, encodeOnceSlack, encodingsIn, settle } from '../../bench/loadgen/encode-once.ts';
import type { BenchResult, ScenarioReport } from '../../bench/loadgen/run-bench.ts';

const shape = { services: 20, instancesPerService: 3, upstreamsPerProxy: 5, instancesPerNode: 7, seed: 42 };

describe('planMesh', () => {
  it('is deterministic for a seed and different for another', () => {
    expect(planMesh(shape)).toEqual(planMesh(shape));
    expect(planMesh({ ...shape, seed: 43 }).instances.map((i) => i.upstreams)).not.toEqual(planMesh(shape).instances.map((i) => i.upstreams));
  });

  it('gives each sidecar distinct upstreams other than its own service, and indexes dependents', () => {
    const plan = planMesh(shape);
    expect(plan.instances).toHaveLength(60);
    expect(new Set(plan.instances.map((i) => i.proxyId)).size).toBe(60);
    expect(new Set(plan.instances.map((i) => i.address)).size).toBe(60);
    for (const inst of plan.instances) {
      expect(new Set(inst.upstreams).size).toBe(5);
      expect(inst.upstreams).not.toContain(inst.service);
      for (const u of inst.upstreams) expect(plan.dependents.get(u)).toContain(inst.proxyId);
      expect(inst.address).toMatch(/^127\./);
    }
    expect(new Set(plan.instances.map((i) => i.node)).size).toBe(Math.ceil(60 / 7));
  });

  it('registers a sidecar whose upstreams listen on distinct local ports', () => {
    const inst = planMesh(shape).instances[0]!;
    const sidecar = instanceOps(inst)[2];
    expect(sidecar?.op).toBe('upsertService');
    const svc = sidecar?.op === 'upsertService' ? sidecar.service : undefined;
    expect(svc?.Kind).toBe('connect-proxy');
    expect(svc?.ID).toBe(inst.proxyId);
    expect(new Set(svc?.Proxy?.Upstreams?.map((u) => u.LocalBindPort)).size).toBe(5);
  });

  it('places churn instances on shared churn nodes with one address per node, registered without rewriting the node', () => {
    const plan = planMesh(shape);
    const a = churnInstance(plan, 0, 'svc-00001');
    const b = churnInstance(plan, 6, 'svc-00002');
    const c = churnInstance(plan, 7, 'svc-00001');
    expect(a.inst.node).toBe(b.inst.node);
    expect(a.nodeAddress).toBe(b.nodeAddress);
    expect(c.inst.node).not.toBe(a.inst.node);
    expect(new Set([a, b, c].map((x) => x.inst.address)).size).toBe(3);
    expect(plan.instances.map((i) => i.address)).not.toContain(c.inst.address);
    const bodies = catalogRegisterBodies(b.inst, { address: b.nodeAddress });
    for (const body of bodies) expect(body).toMatchObject({ Node: b.inst.node, Address: a.nodeAddress, SkipNodeUpdate: true });
    expect(bodies[0].Check).toMatchObject({ CheckID: b.inst.checkId, Status: 'passing' });
    expect(bodies[1].Service).toMatchObject({ ID: b.inst.proxyId, Kind: 'connect-proxy', Port: b.inst.sidecarPort });
  });

  it('refuses shapes it cannot build, naming the field', () => {
    expect(() => planMesh({ ...shape, services: 0 })).toThrow(/^services:/);
    expect(() => planMesh({ ...shape, upstreamsPerProxy: 20 })).toThrow(/^upstreamsPerProxy:.*at least 21 services/);
    expect(() => planMesh({ ...shape, instancesPerNode: 1.5 })).toThrow(/^instancesPerNode:/);
  });
});

describe('bench flags', () => {
  it('derives services from --proxies and keeps every flag', () => {
    const { options } = parseBenchArgs(['--proxies', '1000', '--upstreams', '3', '--scenario', 'endpoint,churn', '--nack-rate', '0.1', '--no-replay']);
    expect(options.proxies).toBe(1000);
    expect(options.services).toBe(200);
    expect(options.upstreams).toBe(3);
    expect(options.scenarios).toEqual(['endpoint', 'churn']);
    expect(options.nackRate).toBe(0.1);
    expect(options.replay).toBe(false);
  });

  it('defaults to the issue mesh: 10,000 proxies, 2,000 services × 5, 10 upstreams, all scenarios', () => {
    const { options } = parseBenchArgs([]);
    expect([options.proxies, options.services, options.instances, options.upstreams]).toEqual([10_000, 2_000, 5, 10]);
    expect(options.scenarios).toEqual(['endpoint', 'mesh-wide', 'reconnect', 'churn']);
  });

  it('names the flag at fault', () => {
    expect(() => parseBenchArgs(['--proxies', 'many'])).toThrow(/--proxies/);
    expect(() => parseBenchArgs(['--scenario', 'earthquake'])).toThrow(/--scenario: unknown scenario "earthquake"/);
    expect(() => parseBenchArgs(['--nack-rate', '2'])).toThrow(/--nack-rate/);
    expect(() => parseBenchArgs(['--churn-rate', '0'])).toThrow(/--churn-rate/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/bogus/);
    expect(() => parseBenchArgs(['--mode', 'rest'])).toThrow(/--mode: must be delta or sotw/);
    expect(() => parseBenchArgs(['--churn-via', 'carrier-pigeon'])).toThrow(/--churn-via: must be http or store/);
  });

  it('registers churn through the HTTP API unless told otherwise', () => {
    expect(parseBenchArgs([]).options.churnVia).toBe('http');
    expect(parseBenchArgs(['--churn-via', 'store']).options.churnVia).toBe('store');
  });
});

describe('the endpoint change as an HTTP write', () => {
  it('re-registers only the check, with the new status, on the node the plan wrote, without rewriting it', () => {
    const plan = planMesh(shape);
    const inst = plan.instances[9]!;
    const nodeAddress = plannedNodeAddress(plan, inst);
    const written = nodeOps(plan).find((op) => op.op === 'upsertNode' && op.node.Node === inst.node);
    expect(written?.op === 'upsertNode' ? written.node.Address : undefined).toBe(nodeAddress);
    const body = checkStatusBody(inst, 'critical', nodeAddress);
    expect(body).toEqual({
      Node: inst.node,
      Address: nodeAddress,
      SkipNodeUpdate: true,
      Check: { CheckID: inst.checkId, Name: `${inst.service} health`, Status: 'critical', ServiceID: inst.id },
    });
    expect(body).not.toHaveProperty('Service');
  });
});

describe('smokeFailures', () => {
  const report = (over: Partial<ScenarioReport>): ScenarioReport => ({
    name: 's', description: '', writes: 1, expected: 2, converged: 2, missing: 0, missingSample: [], convergenceMs: null, lastProxyMs: null,
    wallSeconds: 0, bytesReceived: 0, messagesReceived: 1, unaffectedPushed: 0, serverCpuSeconds: 0, generatorCpuSeconds: 0, serverRssBytes: 0, nacksSent: 0,
    unexpectedNacks: 0, streamErrors: 0, streamErrorSample: [], eventLoopLagMs: null,
    encodeOnce: { encodings: 1, distinctReceived: 1, distinctByType: {}, ratio: 1 }, ...over,
  });
  const result = (scenarios: ScenarioReport[], serverNackRecords = 0): BenchResult =>
    ({ connect: report({ name: 'connect' }), scenarios, server: { serverNackRecords } }) as unknown as BenchResult;

  it('passes a clean run and names every kind of failure', () => {
    expect(smokeFailures(result([report({})]))).toEqual([]);
    const problems = smokeFailures(result([report({ name: 'x', missing: 1, missingSample: ['p1'], unexpectedNacks: 2, streamErrors: 1 })], 3));
    expect(problems.join('\n')).toMatch(/x: 1 of 2 did not converge \(e\.g\. p1\)/);
    expect(problems.join('\n')).toMatch(/x: 2 unexpected NACKs/);
    expect(problems.join('\n')).toMatch(/x: 1 ADS streams failed/);
    expect(problems.join('\n')).toMatch(/server recorded NACKs on 3 types/);
    expect(smokeFailures(result([report({ name: 'y', replayError: 'replay timed out' })])).join('\n')).toMatch(/y: the replay ceiling failed \(replay timed out\)/);
  });

  it('fails a change scenario that encoded more than it sent beyond the slack, and only those scenarios', () => {
    const reencoded = { encodings: 400, distinctReceived: 200, distinctByType: {}, ratio: 2 };
    expect(smokeFailures(result([report({ name: 'mesh-wide', encodeOnce: reencoded })])).join('\n')).toMatch(
      /mesh-wide: 400 encodings for 200 distinct versions received, more than the 2 allowed/,
    );
    expect(smokeFailures(result([report({ name: 'endpoint', encodeOnce: { ...reencoded, encodings: 202 } })]))).toEqual([]);
    expect(smokeFailures(result([report({ name: 'endpoint', encodeOnce: { ...reencoded, encodings: 203 } })]))).toHaveLength(1);
    // Churn overlaps its writes (a build superseded before its push is expected); reconnect resends cached bytes.
    expect(smokeFailures(result([report({ name: 'churn', encodeOnce: reencoded })]))).toEqual([]);
  });
});

describe('encode once', () => {
  it('counts distinct (type, name, version) triples', () => {
    const v = new ReceivedVersions();
    expect(v.add(CLUSTER_TYPE, 'a', 'v1')).toBe(true);
    expect(v.add(CLUSTER_TYPE, 'a', 'v1')).toBe(false);
    expect(v.add(CLUSTER_TYPE, 'a', 'v2')).toBe(true);
    expect(v.add(CLUSTER_TYPE, 'a', 'v1')).toBe(false);
    expect(v.add(CLUSTER_TYPE, 'a', 'v3')).toBe(true);
    expect(v.add(CLUSTER_TYPE, 'b', 'v1')).toBe(true);
    expect(v.add(LISTENER_TYPE, 'a', 'v1')).toBe(true);
    expect(v.size).toBe(5);
    expect(v.sizeByType()).toEqual({ [CLUSTER_TYPE]: 4, [LISTENER_TYPE]: 1 });
  });

  it('sets encodings against what was received, with a slack of 1 % (at least 2)', () => {
    const v = new ReceivedVersions();
    for (let i = 0; i < 300; i++) v.add(LISTENER_TYPE, `l${i}`, 'v');
    expect(encodeOnceOf(600, v)).toEqual({ encodings: 600, distinctReceived: 300, distinctByType: { [LISTENER_TYPE]: 300 }, ratio: 2 });
    expect(encodeOnceOf(0, new ReceivedVersions()).ratio).toBeNull();
    expect(encodeOnceSlack(10)).toBe(2);
    expect(encodeOnceSlack(300)).toBe(3);
    expect(encodeOnceExcess(encodeOnceOf(303, v))).toBe(0);
    expect(encodeOnceExcess(encodeOnceOf(310, v))).toBe(7);
    expect(encodeOnceExcess(encodeOnceOf(100, v))).toBe(0);
  });

  it('reads the encodings counter from /metrics text, and says so when it is missing', () => {
    expect(encodingsIn('# TYPE switchboard_xds_cache_encodings_total counter\nswitchboard_xds_cache_encodings_total 42\n')).toBe(42);
    expect(() => encodingsIn('other 1\n')).toThrow(/switchboard_xds_cache_encodings_total/);
  });

  it('settles once nothing is pending and no message arrived for the quiet time', async () => {
    const pendingSeq = [3, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let calls = 0;
    let messages = 0;
    await settle(
      async () => pendingSeq[Math.min(calls++, pendingSeq.length - 1)] ?? 0,
      () => (calls < 4 ? ++messages : messages),
      10_000,
      100,
    );
    // It kept polling through the pending rebuilds and the messages that followed them.
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(messages).toBe(4);
  });
});

describe('stats and formats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(spread(values)).toEqual({ p50: 50, p99: 99, max: 100 });
    expect(spread([])).toBeNull();
  });

  it('reads samples back from Prometheus text', () => {
    const text = 'a{x="1"} 2\na{x="2"} 3\nb 7\n';
    expect(promSample(text, 'b')).toBe(7);
    expect(promSample(text, 'a{x="2"}')).toBe(3);
    expect(promSum(text, 'a')).toBe(5);
  });

  it('counts this process\'s open files and reads its limit', () => {
    const before = openFileCount(process.pid);
    const fd = openSync(new URL(import.meta.url), 'r');
    try {
      expect(openFileCount(process.pid)).toBe(before + 1);
    } finally {
      closeSync(fd);
    }
    expect(openFileLimit()).toBeGreaterThan(0);
  });

  it('round-trips a recording', () => {
    const streams = [[Buffer.from('ab'), Buffer.from('')], [], [Buffer.from('xyz')]];
    expect(readRecording(writeRecording(streams)).map((l) => l.map((b) => b.toString()))).toEqual([['ab', ''], [], ['xyz']]);
  });

  it('ranks a CPU profile by self time', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
        { id: 2, callFrame: { functionName: 'outer', url: 'file:///x/main/a.ts', lineNumber: 0 }, children: [3] },
        { id: 3, callFrame: { functionName: 'inner', url: 'file:///x/main/b.ts', lineNumber: 9 } },
      ],
      samples: [3, 3, 3, 2],
      timeDeltas: [1000, 1000, 1000, 1000],
    };
    const top = topFunctions(profile, 2);
    expect(top[0]).toMatchObject({ fn: 'inner', where: 'main/b.ts:10', selfMs: 3, selfShare: 75, totalMs: 3 });
    expect(top[1]).toMatchObject({ fn: 'outer', selfMs: 1, totalMs: 4 });
  });
});

describe('what a simulated proxy subscribes to', () => {
  const encode = (name: string, obj: Record<string, unknown>): Uint8Array => {
    const t = messageType(name);
    return t.encode(t.fromObject(obj)).finish();
  };
  const any = (name: string, obj: Record<string, unknown>): Record<string, unknown> => ({ type_url: `type.googleapis.com/${name}`, value: encode(name, obj) });
  const ads = { ads: {} };
  const tls = (kind: 'Upstream' | 'Downstream', sds: Record<string, unknown>): Record<string, unknown> => ({
    name: 'tls',
    typed_config: any(`envoy.extensions.transport_sockets.tls.v3.${kind}TlsContext`, { common_tls_context: sds }),
  });
  const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
  const listener = (hcm: Record<string, unknown>): Uint8Array =>
    encode('envoy.config.listener.v3.Listener', {
      name: 'public_listener:127.0.0.1:21000',
      filter_chains: [
        {
          filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }],
          transport_socket: tls('Downstream', {
            tls_certificate_sds_secret_configs: [{ name: 'leaf', sds_config: ads }],
            validation_context_sds_secret_config: { name: 'roots', sds_config: ads },
          }),
        },
      ],
    });

  it('finds RDS and SDS names in nested Anys, and the EDS name of an EDS cluster', () => {
    const l = refsOf(LISTENER_TYPE, 'l', listener(any(HCM, { stat_prefix: 'x', rds: { config_source: ads, route_config_name: 'web' } })));
    expect([...l.routes]).toEqual(['web']);
    expect([...l.secrets].sort()).toEqual(['leaf', 'roots']);
    expect(l.endpoints).toEqual([]);
    const cluster = encode('envoy.config.cluster.v3.Cluster', {
      name: 'api.default.dc1',
      type: 'EDS',
      eds_cluster_config: { eds_config: ads, service_name: 'api-eds' },
      // A secret named without a config source is a static one: nothing to subscribe to.
      transport_socket: tls('Upstream', { tls_certificate_sds_secret_configs: [{ name: 'static-leaf' }] }),
    });
    expect(refsOf(CLUSTER_TYPE, 'api.default.dc1', cluster)).toEqual({ endpoints: ['api-eds'], routes: [], secrets: [] });
    const logical = encode('envoy.config.cluster.v3.Cluster', { name: 'local_app', type: 'STATIC' });
    expect(refsOf(CLUSTER_TYPE, 'local_app', logical).endpoints).toEqual([]);
  });

  it('refuses (so the proxy NACKs) a resource whose nested Any does not decode or has an unknown type', () => {
    const garbage = { type_url: `type.googleapis.com/${HCM}`, value: Uint8Array.from([0x0a, 0xff, 0xff]) };
    expect(() => refsOf(LISTENER_TYPE, 'l', listener(garbage))).toThrow();
    const unknown = { type_url: 'type.googleapis.com/example.NoSuchFilter', value: new Uint8Array() };
    expect(() => refsOf(LISTENER_TYPE, 'l', listener(unknown))).toThrow(/NoSuchFilter/);
  });

  it('dials an IPv4 server by its address, without the DNS resolver', () => {
    expect(channelTarget('127.0.0.1:8502')).toBe('ipv4:127.0.0.1:8502');
    expect(channelTarget('localhost:8502')).toBe('localhost:8502');
  });

  it('encodes requests from their plain shape as fromObject would', () => {
    const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
    const req = { node: { id: 'p', cluster: 'web', user_agent_name: 'envoy' }, type_url: CLUSTER_TYPE, resource_names_subscribe: ['a'], response_nonce: 'n1', error_detail: { code: 3, message: 'no' } };
    expect(Buffer.from(encodeDeltaRequest(req))).toEqual(Buffer.from(t.encode(t.fromObject(req)).finish()));
    // ACKs and subscription changes take a shorter path: the same bytes.
    const long = 'x'.repeat(200);
    for (const plain of [
      { type_url: CLUSTER_TYPE, response_nonce: 'n2' },
      { type_url: CLUSTER_TYPE, response_nonce: '' },
      { type_url: LISTENER_TYPE, resource_names_subscribe: [] },
      { type_url: LISTENER_TYPE, resource_names_subscribe: ['a', long, 'ünïcode'], resource_names_unsubscribe: ['b'] },
    ]) {
      expect(Buffer.from(encodeDeltaRequest(plain))).toEqual(Buffer.from(t.encode(t.fromObject(plain)).finish()));
    }
  });
});
