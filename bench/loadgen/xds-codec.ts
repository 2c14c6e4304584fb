/**
 * The simulated proxy's side of the wire: how requests are encoded, a plain
 * decoding of delta responses (the replay clients'; the fleet reads its
 * responses through `response-reader.ts`), and the endpoints of a
 * ClusterLoadAssignment (what convergence is checked against), decoded once
 * per distinct content. What clusters and listeners refer to is in
 * `resource-refs.ts`.
 */
import type protobuf from 'protobufjs';
import { ENDPOINT_TYPE, messageType, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';
import { clearRefsMemo, typeOfUrl } from './resource-refs.ts';
import { clearSharedResources } from './shared-resources.ts';

/** A delta response as received: its size on the wire and the raw bytes (kept only when recording). */
export interface ReceivedDelta {
  size: number;
  raw: Buffer;
  typeUrl: string;
  nonce: string;
  resources: Array<{ name: string; version: string; value: Uint8Array }>;
  removed: string[];
}

/** A delta request as the simulated proxy sends it. */
export interface DeltaRequestOut {
  node?: Record<string, unknown>;
  type_url: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: { code: number; message: string };
}

const DELTA_REQUEST = 'envoy.service.discovery.v3.DeltaDiscoveryRequest';
const DELTA_RESPONSE = 'envoy.service.discovery.v3.DeltaDiscoveryResponse';

interface RawDelta {
  type_url?: string;
  nonce?: string;
  resources?: Array<{ name?: string; version?: string; resource?: { value?: Uint8Array } }>;
  removed_resources?: string[];
}

let requestType: protobuf.Type | undefined;
let responseType: protobuf.Type | undefined;

/** Encodes a delta request (byte for byte as protobufjs would). */
export function encodeDeltaRequest(req: DeltaRequestOut): Buffer {
  // ACKs and subscription changes — nearly every request — are strings only: written straight into one buffer.
  if (req.node === undefined && req.initial_resource_versions === undefined && req.error_detail === undefined) return encodeStringsOnly(req);
  requestType ??= messageType(DELTA_REQUEST);
  // The request is already in the message's own shape (keepCase names, no enums or longs): encode it as it is, without a fromObject copy.
  return requestType.encode(req).finish() as Buffer;
}

/** DeltaDiscoveryRequest's string fields, by field number (protobufjs writes fields in that order). */
function encodeStringsOnly(req: DeltaRequestOut): Buffer {
  const fields: Array<[number, string]> = [[2, req.type_url]];
  for (const n of req.resource_names_subscribe ?? []) fields.push([3, n]);
  for (const n of req.resource_names_unsubscribe ?? []) fields.push([4, n]);
  if (req.response_nonce !== undefined) fields.push([6, req.response_nonce]);
  let size = 0;
  for (const [, v] of fields) {
    const len = Buffer.byteLength(v);
    size += 1 + varintSize(len) + len;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const [field, v] of fields) {
    out[at++] = (field << 3) | 2;
    let len = Buffer.byteLength(v);
    while (len > 0x7f) {
      out[at++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    out[at++] = len;
    at += out.write(v, at);
  }
  return out;
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n >>>= 7;
    size++;
  }
  return size;
}

/** Decodes a delta response without decoding the resources inside it. */
export function decodeDeltaResponse(raw: Buffer): ReceivedDelta {
  responseType ??= messageType(DELTA_RESPONSE);
  const m = responseType.decode(raw) as unknown as RawDelta;
  return {
    size: raw.length,
    raw,
    typeUrl: m.type_url ?? '',
    nonce: m.nonce ?? '',
    resources: (m.resources ?? []).map((r) => ({ name: r.name ?? '', version: r.version ?? '', value: r.resource?.value ?? new Uint8Array() })),
    removed: m.removed_resources ?? [],
  };
}

/** The ADS delta method path. */
export const DELTA_ADS_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: String, defaults: false };

/** Decodes an encoded message of `typeUrl` into a plain object, nested Anys decoded too (as `{'@type', ...}`). */
export function decodeResource(typeUrl: string, value: Uint8Array): Record<string, unknown> {
  const type = typeOfUrl(typeUrl);
  return expandAnys(type.toObject(type.decode(value), TO_OBJECT)) as Record<string, unknown>;
}

function expandAnys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandAnys);
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  const o = v as Record<string, unknown>;
  if (typeof o['type_url'] === 'string' && o['value'] instanceof Uint8Array && Object.keys(o).length === 2) {
    try {
      return { '@type': o['type_url'], ...(decodeResource(o['type_url'], o['value']) as object) };
    } catch {
      return o;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = expandAnys(x);
  return out;
}

/** One endpoint of a ClusterLoadAssignment. */
export interface DecodedEndpoint {
  address: string;
  port: number;
  health: string;
}

// By the value's identity: the fleet's shared entries hold one value per distinct content (never keyed by the server's version).
let endpointsMemo = new WeakMap<Uint8Array, DecodedEndpoint[]>();

/** The endpoints of a ClusterLoadAssignment's encoded `value`; memoized per value object. */
export function endpointsOf(value: Uint8Array): DecodedEndpoint[] {
  const memo = endpointsMemo.get(value);
  if (memo) return memo;
  const cla = decodeResource(ENDPOINT_TYPE, value) as {
    endpoints?: Array<{ lb_endpoints?: Array<{ endpoint?: { address?: { socket_address?: { address?: string; port_value?: number } } }; health_status?: string }> }>;
  };
  const out: DecodedEndpoint[] = [];
  for (const group of cla.endpoints ?? []) {
    for (const lb of group.lb_endpoints ?? []) {
      const sa = lb.endpoint?.address?.socket_address;
      out.push({ address: sa?.address ?? '', port: sa?.port_value ?? 0, health: lb.health_status ?? 'UNKNOWN' });
    }
  }
  endpointsMemo.set(value, out);
  return out;
}

/** Forgets memoized decodings (between runs). */
export function clearDecodeMemo(): void {
  clearSharedResources();
  clearRefsMemo();
  endpointsMemo = new WeakMap();
}

/** The types the simulated proxy subscribes to by name, keyed by what names them. */
export const DEPENDENT_TYPES = { endpoints: ENDPOINT_TYPE, routes: ROUTE_TYPE, secrets: SECRET_TYPE } as const;

/** A state-of-the-world request as the simulated proxy sends it. */
export interface SotwRequestOut {
  node?: Record<string, unknown>;
  type_url: string;
  version_info?: string;
  resource_names?: string[];
  response_nonce?: string;
  error_detail?: { code: number; message: string };
}

/** The ADS state-of-the-world method path. */
export const SOTW_ADS_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

let sotwRequestType: protobuf.Type | undefined;

/** Encodes a state-of-the-world request. */
export function encodeSotwRequest(req: SotwRequestOut): Buffer {
  sotwRequestType ??= messageType('envoy.service.discovery.v3.DiscoveryRequest');
  return sotwRequestType.encode(req).finish() as Buffer;
}
