/**
 * gRPC service definitions for ADS (and CSDS), built from the protobufjs Root
 * that `xds/protos.ts` loads. Responses are encoded with protobufjs's encoder
 * from plain objects whose Anys already hold encoded bytes, so sending a
 * resource copies its bytes and never re-encodes the message inside; the
 * wrapper around each resource (a delta Resource, a SotW Any) is encoded
 * once too and its bytes framed into every response that carries it.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { messageType } from '../protos.ts';
import type { DiscoveryRequest__Output } from '../generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
import type { DiscoveryResponse__Output } from '../generated/envoy/service/discovery/v3/DiscoveryResponse.ts';
import type { DeltaDiscoveryRequest__Output } from '../generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
import type { DeltaDiscoveryResponse__Output } from '../generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.ts';
import type { EncodedAny, DeltaResourceWrapper } from '../cache/index.ts';

export type { DiscoveryRequest__Output, DiscoveryResponse__Output, DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse__Output };

/** A SotW response as the server writes it: the Anys are shared, pre-encoded objects. */
export interface OutgoingDiscoveryResponse {
  version_info: string;
  resources: readonly EncodedAny[];
  type_url: string;
  nonce: string;
}

/** A delta response as the server writes it. */
export interface OutgoingDeltaDiscoveryResponse {
  system_version_info: string;
  resources: readonly DeltaResourceWrapper[];
  type_url: string;
  removed_resources: readonly string[];
  nonce: string;
}

const DECODE_OPTIONS: protobuf.IConversionOptions = { longs: String, enums: String, arrays: true, objects: true };

function codec<T>(typeName: string): { serialize: (value: T) => Buffer; deserialize: (bytes: Buffer) => T } {
  const type = messageType(typeName);
  return {
    serialize: responseSerializer(type) as (value: T) => Buffer,
    deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), DECODE_OPTIONS) as T,
  };
}

/** Encoded items of `resources` (a delta Resource wrapper, a SotW Any): shared frozen objects, encoded once for every stream. */
const itemBytes = new WeakMap<object, Uint8Array>();

/**
 * A response encoder that frames each item of `resources` (field 2) from
 * bytes encoded once per item, instead of encoding the item again for every
 * stream. Byte for byte protobufjs's encoding of the whole: it writes fields
 * in field-number order, field 1 (the version) comes before the items and
 * every other field after them, and an embedded message is its tag, its
 * length and its bytes. Plain objects go straight into encode (fromObject
 * would copy every Any).
 */
export function responseSerializer(type: protobuf.Type): (value: object) => Buffer {
  const items = type.fields['resources'];
  const first = type.fieldsArray.find((f) => f.id === 1);
  const itemType = items?.resolve().resolvedType;
  if (!items || items.id !== 2 || !first || first.type !== 'string' || !(itemType instanceof protobuf.Type)) {
    return (value) => type.encode(value as protobuf.Message).finish() as Buffer;
  }
  const encodeItem = (item: object): Uint8Array => {
    if (!Object.isFrozen(item)) return itemType.encode(item as protobuf.Message).finish();
    let bytes = itemBytes.get(item);
    if (!bytes) itemBytes.set(item, (bytes = itemType.encode(item as protobuf.Message).finish()));
    return bytes;
  };
  return (value) => {
    const v = value as Record<string, unknown>;
    const w = protobuf.Writer.create();
    const version = v[first.name];
    if (version != null && Object.prototype.hasOwnProperty.call(v, first.name)) w.uint32(10).string(version as string);
    for (const item of (v['resources'] as readonly object[] | undefined) ?? []) w.uint32(18).bytes(encodeItem(item));
    const rest: Record<string, unknown> = { ...v };
    delete rest[first.name];
    delete rest['resources'];
    const head = w.finish();
    const tail = type.encode(rest as unknown as protobuf.Message).finish();
    return Buffer.concat([head, tail], head.length + tail.length);
  };
}

function requestCodec<T>(typeName: string): { serialize: (value: T) => Buffer; deserialize: (bytes: Buffer) => T } {
  const type = messageType(typeName);
  return {
    // Requests come from tests' clients as JSON-like objects (Struct metadata, enums by name).
    serialize: (value: T) => type.encode(type.fromObject(value as Record<string, unknown>)).finish() as Buffer,
    deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), DECODE_OPTIONS) as T,
  };
}

function bidi<Req, Res>(
  path: string,
  req: { serialize: (v: Req) => Buffer; deserialize: (b: Buffer) => Req },
  res: { serialize: (v: Res) => Buffer; deserialize: (b: Buffer) => Res },
): MethodDefinition<Req, Res> {
  return {
    path,
    requestStream: true,
    responseStream: true,
    requestSerialize: req.serialize,
    requestDeserialize: req.deserialize,
    responseSerialize: res.serialize,
    responseDeserialize: res.deserialize,
    originalName: path.slice(path.lastIndexOf('/') + 1),
  };
}

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

/** The ADS service definition: what the server implements and what test clients call. */
export interface AdsServiceDefinition extends ServiceDefinition {
  StreamAggregatedResources: MethodDefinition<DiscoveryRequest__Output, OutgoingDiscoveryResponse | DiscoveryResponse__Output>;
  DeltaAggregatedResources: MethodDefinition<
    DeltaDiscoveryRequest__Output,
    OutgoingDeltaDiscoveryResponse | DeltaDiscoveryResponse__Output
  >;
}

let cached: AdsServiceDefinition | undefined;

/** The AggregatedDiscoveryService definition (built once). */
export function adsServiceDefinition(): AdsServiceDefinition {
  if (cached) return cached;
  cached = {
    StreamAggregatedResources: bidi(
      `${ADS}/StreamAggregatedResources`,
      requestCodec<DiscoveryRequest__Output>('envoy.service.discovery.v3.DiscoveryRequest'),
      codec<OutgoingDiscoveryResponse | DiscoveryResponse__Output>('envoy.service.discovery.v3.DiscoveryResponse'),
    ),
    DeltaAggregatedResources: bidi(
      `${ADS}/DeltaAggregatedResources`,
      requestCodec<DeltaDiscoveryRequest__Output>('envoy.service.discovery.v3.DeltaDiscoveryRequest'),
      codec<OutgoingDeltaDiscoveryResponse | DeltaDiscoveryResponse__Output>('envoy.service.discovery.v3.DeltaDiscoveryResponse'),
    ),
  };
  return cached;
}
