/** How the simulated fleet reads responses: envelopes from the wire, resources shared by their bytes, checks done once per content. */
import { describe, expect, it } from 'vitest';
import { hashBytes, hashEnds } from '../../bench/loadgen/byte-hash.ts';
import { ReceivedVersions } from '../../bench/loadgen/received-versions.ts';
import { readDeltaResponse, readSotwResponse } from '../../bench/loadgen/response-reader.ts';
import { decodeDeltaResponse, endpointsOf } from '../../bench/loadgen/xds-codec.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, messageType } from '../../xds/index.ts';

const encode = (name: string, obj: Record<string, unknown>): Buffer => {
  const t = messageType(name);
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
};
const typeName = (url: string): string => url.slice(url.indexOf('/') + 1);
const anyOf = (url: string, obj: Record<string, unknown>): Record<string, unknown> => ({ type_url: url, value: encode(typeName(url), obj) });
const ads = { ads: {} };
const makeCluster = (name: string, secret = 'leaf'): Record<string, unknown> => ({
  name,
  type: 'EDS',
  eds_cluster_config: { eds_config: ads, service_name: `${name}-eds` },
  transport_socket: {
    name: 'tls',
    typed_config: anyOf('type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
      common_tls_context: { tls_certificate_sds_secret_configs: [{ name: secret, sds_config: ads }] },
    }),
  },
});
const makeCla = (name: string, health: string): Record<string, unknown> => ({
  cluster_name: name,
  endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.9', port_value: 21000 } } }, health_status: health }] }],
});
const deltaResponse = (typeUrl: string, resources: Array<{ name: string; version: string; body: Record<string, unknown>; anyType?: string }>, extra: Record<string, unknown> = {}): Buffer =>
  encode('envoy.service.discovery.v3.DeltaDiscoveryResponse', {
    type_url: typeUrl,
    nonce: 'n1',
    system_version_info: 'ignored',
    resources: resources.map((r) => ({ name: r.name, version: r.version, resource: anyOf(r.anyType ?? typeUrl, r.body) })),
    ...extra,
  });

describe('readDeltaResponse', () => {
  it('reads what a protobuf decoder reads: type, nonce, names, versions, values, removals', () => {
    const raw = deltaResponse(CLUSTER_TYPE, [{ name: 'api', version: 'v1', body: makeCluster('api') }], { removed_resources: ['old-a', 'old-b'], control_plane: { identifier: 'x' } });
    const mine = readDeltaResponse(raw);
    const plain = decodeDeltaResponse(raw);
    expect(mine).toMatchObject({ size: raw.length, typeUrl: plain.typeUrl, nonce: plain.nonce, removed: plain.removed });
    expect(mine.resources.map((r) => [r.typeUrl, r.name, r.version, Buffer.from(r.value)])).toEqual(plain.resources.map((r) => [CLUSTER_TYPE, r.name, r.version, Buffer.from(r.value)]));
  });

  it('refuses a truncated message, as a protobuf decoder does', () => {
    const raw = deltaResponse(CLUSTER_TYPE, [{ name: 'api', version: 'v1', body: makeCluster('api') }]);
    expect(() => readDeltaResponse(raw.subarray(0, raw.length - 3))).toThrow();
  });

  it('gives every proxy receiving the same bytes the same entry, decoded once, and tells different bytes apart whatever the version says', () => {
    const a = readDeltaResponse(deltaResponse(CLUSTER_TYPE, [{ name: 'web', version: 'same', body: makeCluster('web') }]));
    const b = readDeltaResponse(deltaResponse(CLUSTER_TYPE, [{ name: 'web', version: 'same', body: makeCluster('web') }]));
    expect(b.resources[0]).toBe(a.resources[0]);
    expect(a.resources[0]?.content).toEqual({ ok: true, refs: { endpoints: ['web-eds'], routes: [], secrets: ['leaf'] } });
    // A server that reuses a version for other content is caught: the content is read from the bytes.
    const c = readDeltaResponse(deltaResponse(CLUSTER_TYPE, [{ name: 'web', version: 'same', body: makeCluster('web', 'other-leaf') }]));
    expect(c.resources[0]).not.toBe(a.resources[0]);
    expect(c.resources[0]?.content).toEqual({ ok: true, refs: { endpoints: ['web-eds'], routes: [], secrets: ['other-leaf'] } });
  });

  it('keeps apart many contents under one name and version (a bucket that fills up is split by a hash of every byte)', () => {
    // The EDS service name sits mid-message: the version and type lead, the TLS context and the name close it.
    const body = (i: number): Record<string, unknown> => ({ ...makeCluster('db'), eds_cluster_config: { eds_config: ads, service_name: `db-${i}` } });
    const raw = (i: number): Buffer => deltaResponse(CLUSTER_TYPE, [{ name: 'db', version: 'reused', body: body(i) }]);
    const span = (b: Buffer): Buffer => b.subarray(b.indexOf(Buffer.from('reused')) - 2, b.lastIndexOf(Buffer.from('db')) + 2);
    expect(hashEnds(span(raw(1)))).toBe(hashEnds(span(raw(2))));
    const read = (i: number) => readDeltaResponse(raw(i)).resources[0];
    const first = Array.from({ length: 12 }, (_, i) => read(i));
    expect(new Set(first).size).toBe(12);
    for (let i = 0; i < 12; i++) {
      expect(read(i)).toBe(first[i]);
      expect(read(i)?.content).toMatchObject({ ok: true, refs: { endpoints: [`db-${i}`] } });
    }
  });

  it('marks for a NACK a resource that does not decode, names an unknown type, or is not of the response type — for every proxy that gets it', () => {
    const bad = (anyType: string, value: Uint8Array): Buffer =>
      encode('envoy.service.discovery.v3.DeltaDiscoveryResponse', { type_url: LISTENER_TYPE, nonce: 'n', resources: [{ name: 'l', version: 'v', resource: { type_url: anyType, value } }] });
    const garbage = readDeltaResponse(bad(LISTENER_TYPE, Uint8Array.from([0x0a, 0xff, 0xff])));
    expect(garbage.resources[0]?.content).toMatchObject({ ok: false, error: expect.stringContaining('cannot decode') });
    expect(readDeltaResponse(bad(LISTENER_TYPE, Uint8Array.from([0x0a, 0xff, 0xff]))).resources[0]?.content.ok).toBe(false);
    const cluster = encode('envoy.config.cluster.v3.Cluster', makeCluster('x'));
    expect(readDeltaResponse(bad(CLUSTER_TYPE, cluster)).resources[0]?.content).toMatchObject({ ok: false, error: expect.stringContaining('resource is a') });
    const unknownType = encode('envoy.service.discovery.v3.DeltaDiscoveryResponse', {
      type_url: 'type.googleapis.com/example.NoSuchResource',
      nonce: 'n',
      resources: [{ name: 'r', version: 'v', resource: { type_url: 'type.googleapis.com/example.NoSuchResource', value: new Uint8Array() } }],
    });
    expect(readDeltaResponse(unknownType).resources[0]?.content).toMatchObject({ ok: false, error: expect.stringContaining('NoSuchResource') });
    // Every resource type is decoded, not only clusters and listeners.
    const badCla = encode('envoy.service.discovery.v3.DeltaDiscoveryResponse', { type_url: ENDPOINT_TYPE, nonce: 'n', resources: [{ name: 'e', version: 'v', resource: { type_url: ENDPOINT_TYPE, value: Uint8Array.from([0x12, 0x05, 0x01]) } }] });
    expect(readDeltaResponse(badCla).resources[0]?.content.ok).toBe(false);
  });

  it('reads endpoints from the content, whatever version names it', () => {
    const healthy = readDeltaResponse(deltaResponse(ENDPOINT_TYPE, [{ name: 'api', version: 'v', body: makeCla('api', 'HEALTHY') }])).resources[0];
    const unhealthy = readDeltaResponse(deltaResponse(ENDPOINT_TYPE, [{ name: 'api', version: 'v', body: makeCla('api', 'UNHEALTHY') }])).resources[0];
    expect(endpointsOf(healthy?.value ?? new Uint8Array())).toEqual([{ address: '127.0.0.9', port: 21000, health: 'HEALTHY' }]);
    expect(endpointsOf(unhealthy?.value ?? new Uint8Array())).toEqual([{ address: '127.0.0.9', port: 21000, health: 'UNHEALTHY' }]);
  });
});

describe('readSotwResponse', () => {
  it('reads names from the resources and versions from a hash of their bytes', () => {
    const raw = encode('envoy.service.discovery.v3.DiscoveryResponse', {
      version_info: 'v9',
      type_url: CLUSTER_TYPE,
      nonce: 'n2',
      resources: [anyOf(CLUSTER_TYPE, makeCluster('a')), anyOf(CLUSTER_TYPE, makeCluster('b'))],
    });
    const r = readSotwResponse(raw);
    expect(r).toMatchObject({ typeUrl: CLUSTER_TYPE, nonce: 'n2', versionInfo: 'v9', removed: [] });
    expect(r.resources.map((x) => x.name)).toEqual(['a', 'b']);
    expect(r.resources[0]?.version).not.toBe(r.resources[1]?.version);
    expect(readSotwResponse(raw).resources[1]).toBe(r.resources[1]);
  });
});

describe('hashBytes', () => {
  it('hashes equal bytes alike wherever they sit in memory, and spreads different ones', () => {
    const data = Buffer.from(Array.from({ length: 301 }, (_, i) => (i * 37) % 256));
    const shifted = Buffer.alloc(400);
    for (let off = 0; off < 4; off++) {
      data.copy(shifted, off);
      expect(hashBytes(shifted, off, off + data.length)).toBe(hashBytes(data));
    }
    const other = Buffer.from(data);
    other[150] = (other[150] as number) ^ 1;
    expect(hashBytes(other)).not.toBe(hashBytes(data));
    expect(hashBytes(data, 0, 3)).not.toBe(hashBytes(data, 0, 2));
    data.copy(shifted, 1);
    expect(hashEnds(shifted, 1, 1 + data.length)).toBe(hashEnds(data));
    // Only the ends count: a change in the middle keeps the cheap hash (the full one tells them apart).
    expect(hashEnds(other)).toBe(hashEnds(data));
  });
});

describe('ReceivedVersions.addResource', () => {
  it('counts a shared resource once, and the same triple from two entries once', () => {
    const v = new ReceivedVersions();
    const a = { id: 5000, typeUrl: CLUSTER_TYPE, name: 'x', version: '1' };
    expect(v.addResource(a)).toBe(true);
    expect(v.addResource(a)).toBe(false);
    expect(v.addResource({ ...a, id: 7 })).toBe(false);
    expect(v.addResource({ ...a, id: 8, version: '2' })).toBe(true);
    expect(v.size).toBe(2);
  });
});
