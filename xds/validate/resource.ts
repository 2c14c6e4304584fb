/** Validation of one resource against Envoy's schema and PGV rules. */
import type protobuf from 'protobufjs';
import { envoyRoot } from '../protos.ts';
import { messageNameOf, TYPE_SHORT_NAMES, isResourceTypeUrl } from '../type-urls.ts';
import { checkMessage, planFor } from './compile.ts';
import type { ResourceObject, ValidateOptions, ValidationResult, Violation } from './types.ts';
import { Walk } from './walk.ts';

const typeCache = new WeakMap<protobuf.Root, Map<string, protobuf.Type | null>>();

function lookupType(root: protobuf.Root, name: string): protobuf.Type | null {
  let m = typeCache.get(root);
  if (!m) typeCache.set(root, (m = new Map()));
  let t = m.get(name);
  if (t === undefined) {
    try { t = root.lookupType(name); } catch { t = null; }
    m.set(name, t);
  }
  return t;
}

/** `listeners`, `clusters`, ... for the served types; the message's simple name otherwise. */
export function resourceKind(typeUrlOrName: string): string {
  const name = messageNameOf(typeUrlOrName);
  const url = `type.googleapis.com/${name}`;
  if (isResourceTypeUrl(url)) return TYPE_SHORT_NAMES[url];
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The name a resource is known by: `name`, or `cluster_name` for a ClusterLoadAssignment. */
export function resourceNameOf(resource: ResourceObject): string | undefined {
  const r = resource as Record<string, unknown>;
  if (typeof r.name === 'string') return r.name;
  if (typeof r.cluster_name === 'string') return r.cluster_name;
  return undefined;
}

/** Label used in violations: `kind[name]`. */
export function resourceLabel(typeUrlOrName: string, resource: ResourceObject, name?: string): string {
  return `${resourceKind(typeUrlOrName)}[${name ?? resourceNameOf(resource) ?? ''}]`;
}

/** All violations of one resource, attributed to `label`. */
export function resourceViolations(typeUrlOrName: string, resource: ResourceObject, label: string, options?: ValidateOptions): Violation[] {
  const root = options?.root ?? envoyRoot();
  const typeName = messageNameOf(typeUrlOrName);
  const type = lookupType(root, typeName);
  if (!type) {
    return [{ resource: label, path: '', rule: 'schema.unknown_type', message: `no message type "${typeName}" is loaded` }];
  }
  const walk = new Walk(root, options?.now ?? (() => new Date()), options?.root === undefined && options?.now === undefined);
  checkMessage(planFor(type), resource, walk, true);
  return walk.issues.map((i) => ({ resource: label, path: i.path, rule: i.rule, message: i.message }));
}

/**
 * Checks one resource (keepCase plain object) of the given type URL or full message name against
 * Envoy's schema and every `validate.rules` annotation reached; `name` overrides the name shown in violations.
 */
export function validateResource(typeUrlOrName: string, resource: ResourceObject, name?: string, options?: ValidateOptions): ValidationResult {
  const violations = resourceViolations(typeUrlOrName, resource, resourceLabel(typeUrlOrName, resource, name), options);
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}
