/** Schema checks: unknown fields, value types, integer ranges, enums, Any resolution, oneofs. */
import { describe, expect, it } from 'vitest';
import { formatViolation, validateResource } from '../../xds/validate/index.ts';
import { rulesBroken } from './helpers.ts';
import { makeEdsCluster, makePublicListener } from './fixtures.ts';

const SOCKET = 'envoy.config.core.v3.SocketAddress';
const CLUSTER = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const TEC = 'envoy.config.core.v3.TypedExtensionConfig';

describe('schema', () => {
  it('an unknown field is an error, also inside an Any payload', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, portValue: 2 })).toEqual(['portValue: schema.unknown_field']);
    const l = makePublicListener();
    const f = ((l.filter_chains as Record<string, unknown>[])[0]!.filters as Record<string, Record<string, unknown>>[])[0]!;
    f.typed_config!.stat_prefx = 'typo';
    expect(rulesBroken(LISTENER, l)).toEqual(['filter_chains[0].filters[0].typed_config.stat_prefx: schema.unknown_field']);
  });

  it('values must have their declared type', () => {
    expect(rulesBroken(SOCKET, { address: 5, port_value: true })).toEqual(['address: schema.type', 'port_value: schema.type']);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, ipv4_compat: 'yes' })).toEqual(['ipv4_compat: schema.type']);
    expect(rulesBroken(CLUSTER, { ...makeEdsCluster('db'), transport_socket_matches: {} })).toEqual(['transport_socket_matches: schema.type']);
    expect(rulesBroken(CLUSTER, { ...makeEdsCluster('db'), metadata: { filter_metadata: [] } })).toEqual(['metadata.filter_metadata: schema.type']);
  });

  it('integer ranges: uint32 refuses negatives and 2^32, fractions are refused', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: -1 })).toEqual(['port_value: schema.type']);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 2 ** 32 })).toEqual(['port_value: schema.type']);
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 80.5 })).toEqual(['port_value: schema.type']);
  });

  it('int64 accepts decimal strings and bigint, refuses out-of-range values', () => {
    const OD = 'envoy.config.cluster.v3.OutlierDetection';
    expect(rulesBroken('envoy.config.core.v3.RuntimeFractionalPercent', { default_value: { numerator: 1 }, runtime_key: 'k' })).toEqual([]);
    expect(rulesBroken('google.protobuf.Int64Value', { value: '9223372036854775807' })).toEqual([]);
    expect(rulesBroken('google.protobuf.Int64Value', { value: 2n ** 63n })).toEqual(['value: schema.type']);
    expect(rulesBroken(OD, { interval: { seconds: '10' } })).toEqual([]);
  });

  it('enum names must exist', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, protocol: 'SCTP' })).toEqual(['protocol: schema.enum']);
  });

  it('an Any must name a loaded message type', () => {
    expect(rulesBroken(TEC, { name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.nope.v3.Nope' } })).toEqual(['typed_config: schema.any_type']);
    expect(rulesBroken(TEC, { name: 'x', typed_config: { stat_prefix: 'a' } })).toEqual(['typed_config: schema.any_type']);
    expect(rulesBroken(TEC, { name: 'x', typed_config: { '@type': 'envoy.extensions.filters.http.router.v3.Router' } })).toEqual(['typed_config: schema.any_type']);
  });

  it('an Any in raw {type_url, value} form is decoded and its payload checked', () => {
    // HttpConnectionManager field 2 (stat_prefix) = "": tag 0x12, length 0.
    const statPrefixEmpty = Buffer.from([0x12, 0x00]);
    const url = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
    expect(rulesBroken(TEC, { name: 'x', typed_config: { type_url: url, value: statPrefixEmpty.toString('base64') } })).toContain('typed_config.stat_prefix: string.min_len 1');
    expect(rulesBroken(TEC, { name: 'x', typed_config: { type_url: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router', value: '' } })).toEqual([]);
  });

  it('at most one member of a oneof', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, named_port: 'http' })).toEqual(['port_specifier: schema.oneof']);
  });

  it('null means unset; wrappers must be {value}', () => {
    expect(rulesBroken(SOCKET, { address: 'a', port_value: 1, protocol: null })).toEqual([]);
    expect(rulesBroken(CLUSTER, { ...makeEdsCluster('db'), per_connection_buffer_limit_bytes: 1024 })).toEqual(['per_connection_buffer_limit_bytes: schema.type']);
  });

  it('protobufjs spells google.protobuf.Value fields in camelCase: bool_value is unknown, boolValue is right', () => {
    const M = 'envoy.config.core.v3.Metadata';
    expect(rulesBroken(M, { filter_metadata: { a: { fields: { b: { bool_value: true } } } } })).toEqual(['filter_metadata["a"].fields["b"].bool_value: schema.unknown_field']);
    expect(rulesBroken(M, { filter_metadata: { a: { fields: { b: { boolValue: true } } } } })).toEqual([]);
  });

  it('an unknown resource type is reported, not thrown', () => {
    const r = validateResource('type.googleapis.com/envoy.nope.v3.Nope', { name: 'n' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => formatViolation(v))).toEqual(['Nope[n]: schema.unknown_type']);
  });

  it('formats violations as kind[name].path: rule', () => {
    const l = makePublicListener();
    const r = validateResource(LISTENER, { ...l, address: { socket_address: { address: '', port_value: 1 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.violations.map((v) => formatViolation(v))).toEqual(['listeners[public_listener:10.0.0.1:21000].address.socket_address.address: string.min_len 1']);
      expect(r.violations[0]).toMatchObject({ resource: 'listeners[public_listener:10.0.0.1:21000]', path: 'address.socket_address.address', rule: 'string.min_len 1' });
      expect(formatViolation(r.violations[0]!, true)).toMatch(/: string\.min_len 1 \(must be at least 1 characters, is 0\)$/);
    }
  });
});
