import { describe, expect, it } from 'vitest';
import { adsServiceDefinition, CLUSTER_TYPE, flavourOf, messageType } from '../../xds/index.ts';

describe('ADS response serializer', () => {
  it('copies a pre-encoded Any value verbatim instead of re-encoding it', () => {
    // Bytes that are not a valid Cluster: any decode/re-encode step would fail or change them.
    const opaque = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x80, 0x80]);
    const serialize = adsServiceDefinition().StreamAggregatedResources.responseSerialize;
    const wire = serialize({ version_info: 'v1', resources: [{ type_url: CLUSTER_TYPE, value: opaque }], type_url: CLUSTER_TYPE, nonce: 'n1' });
    expect(wire.includes(opaque)).toBe(true);
    const decoded = messageType('envoy.service.discovery.v3.DiscoveryResponse').decode(wire) as unknown as { resources: Array<{ value: Uint8Array }> };
    expect(Buffer.from(decoded.resources[0]!.value)).toEqual(opaque);
  });

  it('does the same for delta resources', () => {
    const opaque = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff]);
    const serialize = adsServiceDefinition().DeltaAggregatedResources.responseSerialize;
    const any = { type_url: CLUSTER_TYPE, value: opaque };
    const wire = serialize({ system_version_info: 's', resources: [{ name: 'a', version: 'v', resource: any }], type_url: CLUSTER_TYPE, removed_resources: ['b'], nonce: 'n' });
    expect(wire.includes(opaque)).toBe(true);
  });
});

describe('flavourOf', () => {
  it('tells proxyless gRPC by user agent or metadata, Envoy otherwise', () => {
    expect(flavourOf({ user_agent_name: 'gRPC Go' })).toBe('grpc');
    expect(flavourOf({ user_agent_name: 'grpc-node-js' })).toBe('grpc');
    expect(flavourOf({ user_agent_name: 'envoy', metadata: { fields: { proxyless: { boolValue: true } } } })).toBe('grpc');
    expect(flavourOf({ user_agent_name: 'envoy', metadata: { fields: { proxyless: { stringValue: 'true' } } } })).toBe('grpc');
    expect(flavourOf({ user_agent_name: 'envoy' })).toBe('envoy');
    expect(flavourOf(undefined)).toBe('envoy');
  });
});
