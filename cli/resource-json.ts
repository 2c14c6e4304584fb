/**
 * Envoy resources as readable JSON for `switchboard render`: decoded with
 * Envoy's protos (enums by name, 64-bit integers as strings, no defaults),
 * Anys expanded in place as `{"@type": url, ...fields}`, sorted by name,
 * private keys redacted unless asked for. Live and offline renderings both go
 * through the protos, so they print the same way.
 */
import type protobuf from 'protobufjs';
import { messageNameOf, messageType } from '../xds/index.ts';

/** A decoded resource. */
export type ResourceJson = { [field: string]: unknown };

/** The resources of one proxy, by type. */
export interface RenderedResources {
  listeners: ResourceJson[];
  clusters: ResourceJson[];
  routes: ResourceJson[];
  endpoints: ResourceJson[];
  secrets: ResourceJson[];
}

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: String, defaults: false };

function tryType(typeUrl: string): protobuf.Type | undefined {
  try {
    return messageType(messageNameOf(typeUrl));
  } catch {
    return undefined;
  }
}

/** Expands Anys (`{type_url, value}`) into `{"@type", ...decoded}` and bytes into base64, recursively. */
function expand(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(expand);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o['type_url'] === 'string' && (o['value'] instanceof Uint8Array || o['value'] === undefined) && Object.keys(o).length <= 2) {
    const type = tryType(o['type_url']);
    if (type) {
      const inner = type.toObject(type.decode((o['value'] as Uint8Array | undefined) ?? new Uint8Array()), TO_OBJECT);
      return { '@type': o['type_url'], ...(expand(inner) as Record<string, unknown>) };
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, expand(x)]));
}

/** Decodes an encoded resource of the given type URL. */
export function decodeResource(typeUrl: string, bytes: Uint8Array): ResourceJson {
  const type = messageType(messageNameOf(typeUrl));
  return expand(type.toObject(type.decode(bytes), TO_OBJECT)) as ResourceJson;
}

/** Round-trips a built (keepCase, `@type` Any) resource through the protos, as the server would encode it. */
export function canonicalResource(typeUrl: string, obj: object): ResourceJson {
  const type = messageType(messageNameOf(typeUrl));
  return decodeResource(typeUrl, type.encode(type.fromObject(obj as Record<string, unknown>)).finish());
}

/** The name a resource is known by (`cluster_name` for endpoints). */
export function resourceName(r: ResourceJson): string {
  const n = r['name'] ?? r['cluster_name'];
  return typeof n === 'string' ? n : '';
}

/** Sorts every type's resources by name. */
export function sortResources(r: RenderedResources): RenderedResources {
  const by = (a: ResourceJson, b: ResourceJson): number => (resourceName(a) < resourceName(b) ? -1 : resourceName(a) > resourceName(b) ? 1 : 0);
  return {
    listeners: [...r.listeners].sort(by),
    clusters: [...r.clusters].sort(by),
    routes: [...r.routes].sort(by),
    endpoints: [...r.endpoints].sort(by),
    secrets: [...r.secrets].sort(by),
  };
}

const REDACTED = '[redacted]';

/** Replaces every private key in secrets with a placeholder. */
export function redactSecrets(r: RenderedResources): RenderedResources {
  const scrub = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(scrub);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, k === 'private_key' ? { inline_string: REDACTED } : scrub(x)]),
    );
  };
  return { ...r, secrets: r.secrets.map((s) => scrub(s) as ResourceJson) };
}
