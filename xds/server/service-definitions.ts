/**
 * gRPC service definitions for ADS (and CSDS), built from the protobufjs Root
 * that `xds/protos.ts` loads. Responses are encoded with protobufjs's encoder
 * from plain objects whose Anys already hold encoded bytes, so sending a
 * resource copies its bytes and never re-encodes the message inside.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
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
    // Plain objects straight into encode: fromObject would copy every Any.
    serialize: (value: T) => type.encode(value as protobuf.Message).finish() as Buffer,
    deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), DECODE_OPTIONS) as T,
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
