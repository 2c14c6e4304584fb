/**
 * A Resource is one Envoy message, encoded once, with a content hash as its
 * version. The encoded Any (and the delta wrapper around it) are plain objects
 * holding a Buffer, shared by every stream that sends the resource: the gRPC
 * serializer only copies those bytes into each response.
 */
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { messageType } from '../protos.ts';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
  SECRET_TYPE,
  messageNameOf,
  type ResourceTypeUrl,
} from '../type-urls.ts';
import { encodeMessage } from './encode-message.ts';

/** A google.protobuf.Any whose value is already encoded. */
export interface EncodedAny {
  readonly type_url: string;
  readonly value: Buffer;
}

/** envoy.service.discovery.v3.Resource as sent in delta responses. */
export interface DeltaResourceWrapper {
  readonly name: string;
  readonly version: string;
  readonly resource: EncodedAny;
}

/** One encoded xDS resource. Immutable; identical content means identical version. */
export interface Resource {
  readonly name: string;
  readonly typeUrl: ResourceTypeUrl;
  /** Content hash of the encoded message: 22 characters of base64url(sha256). */
  readonly version: string;
  readonly any: EncodedAny;
  readonly delta: DeltaResourceWrapper;
  /**
   * Resources of another type that a proxy must be sent again when this one
   * changes (a cluster's endpoints, a listener's routes): Envoy re-warms them.
   */
  readonly dependents?: { readonly typeUrl: ResourceTypeUrl; readonly names: readonly string[] };
}

/** A resource as a plain object in Envoy's proto3 field names (keepCase); Anys as `{'@type': ..., ...fields}`. */
export type ResourceObject = Readonly<Record<string, unknown>>;

/** Thrown when a resource object does not fit its Envoy message type. */
export class InvalidResourceError extends Error {
  constructor(
    readonly typeUrl: string,
    readonly resourceName: string,
    readonly detail: string,
  ) {
    super(`invalid ${messageNameOf(typeUrl)} "${resourceName}": ${detail}`);
    this.name = 'InvalidResourceError';
  }
}

/** The field that names a resource of each type. */
const NAME_FIELD: Readonly<Record<ResourceTypeUrl, string>> = {
  [LISTENER_TYPE]: 'name',
  [CLUSTER_TYPE]: 'name',
  [ROUTE_TYPE]: 'name',
  [ENDPOINT_TYPE]: 'cluster_name',
  [SECRET_TYPE]: 'name',
};

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

/** The resource's name (`cluster_name` for a ClusterLoadAssignment, `name` otherwise); empty when missing. */
export function resourceNameOf(typeUrl: ResourceTypeUrl, obj: ResourceObject): string {
  const name = obj[NAME_FIELD[typeUrl]];
  return typeof name === 'string' ? name : '';
}

/** Encodes and validates a resource object; throws InvalidResourceError naming the resource and the field. */
export function encodeResource(typeUrl: ResourceTypeUrl, obj: ResourceObject): Resource {
  const name = resourceNameOf(typeUrl, obj);
  if (!name) throw new InvalidResourceError(typeUrl, '', `missing ${NAME_FIELD[typeUrl]}`);
  const type: protobuf.Type = messageType(messageNameOf(typeUrl));
  let value: Buffer;
  try {
    // A Buffer of its own, not a slice of Node's shared 8 KB pool: a resource
    // lives as long as some proxy holds it, and a pooled slice would keep the
    // whole slab (and the other slices' dead bytes) alive with it.
    const bytes = encodeMessage(type, obj);
    value = Buffer.allocUnsafeSlow(bytes.length);
    value.set(bytes);
  } catch (err) {
    throw new InvalidResourceError(typeUrl, name, (err as Error).message);
  }
  const version = createHash('sha256').update(typeUrl).update('\0').update(value).digest('base64url').slice(0, 22);
  const any: EncodedAny = Object.freeze({ type_url: typeUrl, value });
  const dependents = dependentsOf(typeUrl, obj);
  return Object.freeze({
    name,
    typeUrl,
    version,
    any,
    delta: Object.freeze({ name, version, resource: any }),
    ...(dependents ? { dependents } : {}),
  });
}

function dependentsOf(typeUrl: ResourceTypeUrl, obj: ResourceObject): Resource['dependents'] {
  if (typeUrl === CLUSTER_TYPE) {
    const eds = obj['eds_cluster_config'];
    if (obj['type'] !== 'EDS' && !isRecord(eds)) return undefined;
    const serviceName = isRecord(eds) && typeof eds['service_name'] === 'string' ? eds['service_name'] : '';
    return { typeUrl: ENDPOINT_TYPE, names: [serviceName || resourceNameOf(typeUrl, obj)] };
  }
  if (typeUrl === LISTENER_TYPE) {
    const names = new Set<string>();
    const api = obj['api_listener'];
    if (isRecord(api)) collectRouteNames(api['api_listener'], names);
    const chains = [...asArray(obj['filter_chains']), obj['default_filter_chain']];
    for (const chain of chains) {
      if (!isRecord(chain)) continue;
      for (const filter of asArray(chain['filters'])) {
        if (isRecord(filter)) collectRouteNames(filter['typed_config'], names);
      }
    }
    return names.size > 0 ? { typeUrl: ROUTE_TYPE, names: [...names].sort() } : undefined;
  }
  return undefined;
}

function collectRouteNames(typedConfig: unknown, into: Set<string>): void {
  if (!isRecord(typedConfig)) return;
  const at = typedConfig['@type'];
  if (typeof at !== 'string' || !at.endsWith(HCM_TYPE)) return;
  const rds = typedConfig['rds'];
  if (isRecord(rds) && typeof rds['route_config_name'] === 'string') into.add(rds['route_config_name']);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
