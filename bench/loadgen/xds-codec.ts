/**
 * The simulated proxy's side of the wire: how requests are encoded and
 * responses decoded (counting bytes), and what a resource refers to — the
 * EDS, RDS and SDS names Envoy would subscribe to next. Resource versions are
 * content hashes shared by every proxy, so each (type, version) is decoded
 * once for the whole fleet.
 */
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, messageNameOf, messageType, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.ts';

/** The dependent names a resource makes a proxy ask for. */
export interface ResourceRefs {
  endpoints: readonly string[];
  routes: readonly string[];
  secrets: readonly string[];
}

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

/** Encodes a delta request. */
export function encodeDeltaRequest(req: DeltaRequestOut): Buffer {
  requestType ??= messageType(DELTA_REQUEST);
  return requestType.encode(requestType.fromObject(req)).finish() as Buffer;
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
  const type = messageType(messageNameOf(typeUrl));
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

function collect(v: unknown, into: { routes: Set<string>; secrets: Set<string> }): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, into);
    return;
  }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
  const o = v as Record<string, unknown>;
  // SdsSecretConfig: a name fetched over a config source.
  if (typeof o['name'] === 'string' && o['sds_config'] !== undefined) into.secrets.add(o['name']);
  const rds = o['rds'] as { route_config_name?: string } | undefined;
  if (rds && typeof rds.route_config_name === 'string') into.routes.add(rds.route_config_name);
  for (const x of Object.values(o)) collect(x, into);
}

const refsMemo = new Map<string, ResourceRefs>();
const NO_REFS: ResourceRefs = { endpoints: [], routes: [], secrets: [] };

/** What a cluster or listener refers to; memoized by (type, version). */
export function refsOf(typeUrl: string, name: string, version: string, value: Uint8Array): ResourceRefs {
  if (typeUrl !== CLUSTER_TYPE && typeUrl !== LISTENER_TYPE) return NO_REFS;
  const key = `${typeUrl}|${version}`;
  const memo = refsMemo.get(key);
  if (memo) return memo;
  const obj = decodeResource(typeUrl, value);
  const into = { routes: new Set<string>(), secrets: new Set<string>() };
  collect(obj, into);
  const endpoints: string[] = [];
  if (typeUrl === CLUSTER_TYPE && obj['type'] === 'EDS') {
    const eds = obj['eds_cluster_config'] as { service_name?: string } | undefined;
    endpoints.push(eds?.service_name || (obj['name'] as string) || name);
  }
  const refs = { endpoints, routes: [...into.routes], secrets: [...into.secrets] };
  refsMemo.set(key, refs);
  return refs;
}

/** One endpoint of a ClusterLoadAssignment. */
export interface DecodedEndpoint {
  address: string;
  port: number;
  health: string;
}

const endpointsMemo = new Map<string, DecodedEndpoint[]>();

/** The endpoints of a ClusterLoadAssignment; memoized by version. */
export function endpointsOf(version: string, value: Uint8Array): DecodedEndpoint[] {
  const memo = endpointsMemo.get(version);
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
  endpointsMemo.set(version, out);
  return out;
}

/** Forgets memoized decodings (between runs). */
export function clearDecodeMemo(): void {
  refsMemo.clear();
  endpointsMemo.clear();
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
let sotwResponseType: protobuf.Type | undefined;

/** Encodes a state-of-the-world request. */
export function encodeSotwRequest(req: SotwRequestOut): Buffer {
  sotwRequestType ??= messageType('envoy.service.discovery.v3.DiscoveryRequest');
  return sotwRequestType.encode(sotwRequestType.fromObject(req)).finish() as Buffer;
}

const NAME_FIELD: Readonly<Record<string, string>> = {
  [CLUSTER_TYPE]: 'name',
  [LISTENER_TYPE]: 'name',
  [ROUTE_TYPE]: 'name',
  [SECRET_TYPE]: 'name',
  [ENDPOINT_TYPE]: 'cluster_name',
};

/**
 * Decodes a state-of-the-world response into the delta shape: each resource's
 * name read from the message, and a content hash standing in for its version.
 * `removed` stays empty: what a SotW response leaves out is the caller's to work out.
 */
export function decodeSotwResponse(raw: Buffer): ReceivedDelta & { versionInfo: string } {
  sotwResponseType ??= messageType('envoy.service.discovery.v3.DiscoveryResponse');
  const m = sotwResponseType.decode(raw) as unknown as { version_info?: string; type_url?: string; nonce?: string; resources?: Array<{ type_url?: string; value?: Uint8Array }> };
  const typeUrl = m.type_url ?? '';
  return {
    size: raw.length,
    raw,
    typeUrl,
    nonce: m.nonce ?? '',
    versionInfo: m.version_info ?? '',
    resources: (m.resources ?? []).map((any) => {
      const value = any.value ?? new Uint8Array();
      return { name: nameOf(typeUrl, value), version: createHash('sha256').update(value).digest('base64url').slice(0, 22), value };
    }),
    removed: [],
  };
}

function nameOf(typeUrl: string, value: Uint8Array): string {
  const field = NAME_FIELD[typeUrl];
  if (!field) return '';
  // Only the name field is wanted: decode and read it (the message is small next to a full toObject).
  const msg = messageType(messageNameOf(typeUrl)).decode(value) as unknown as Record<string, unknown>;
  return String(msg[field] ?? '');
}
