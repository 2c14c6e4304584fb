/**
 * Responses are written with each resource's bytes encoded once and framed
 * in; the result must be exactly protobufjs's encoding of the whole response.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE, encodeResource } from '../../xds/index.ts';
import { messageType } from '../../xds/protos.ts';
import { responseSerializer } from '../../xds/server/service-definitions.ts';
import { makeCluster, makeEndpoints } from './fixtures.ts';

const a = encodeResource(CLUSTER_TYPE, makeCluster('a'));
const b = encodeResource(CLUSTER_TYPE, makeCluster('b'));
const e = encodeResource(ENDPOINT_TYPE, makeEndpoints('a', [{ host: '10.0.0.1', port: 80 }]));

function same(typeName: string, value: object): void {
  const type = messageType(typeName);
  const expected = Buffer.from(type.encode(value as never).finish());
  // Twice: the second time the items come from what the first encoded.
  for (let i = 0; i < 2; i++) expect(responseSerializer(type)(value).equals(expected)).toBe(true);
}

describe('response encoding with shared resource bytes', () => {
  it('equals the whole encoding for delta responses', () => {
    const delta = 'envoy.service.discovery.v3.DeltaDiscoveryResponse';
    same(delta, { system_version_info: '2.abc', resources: [a.delta, b.delta], type_url: CLUSTER_TYPE, removed_resources: ['gone', 'also'], nonce: '7-1' });
    same(delta, { system_version_info: '', resources: [], type_url: CLUSTER_TYPE, removed_resources: ['x'], nonce: '7-2' });
    same(delta, { system_version_info: '1.x', resources: [e.delta, { name: 'unshared', version: 'v', resource: e.any }], type_url: ENDPOINT_TYPE, removed_resources: [], nonce: '' });
  });

  it('equals the whole encoding for state-of-the-world responses', () => {
    const sotw = 'envoy.service.discovery.v3.DiscoveryResponse';
    same(sotw, { version_info: '2.abc', resources: [a.any, b.any], type_url: CLUSTER_TYPE, nonce: '3-9' });
    same(sotw, { version_info: '', resources: [], type_url: CLUSTER_TYPE, nonce: '3-10' });
  });
});
