/** Validation of a proxy's whole resource set: every resource on its own, then the references between them. */
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../type-urls.ts';
import { referenceViolations } from './references.ts';
import { resourceLabel, resourceViolations } from './resource.ts';
import type { ResourceSet, ValidateOptions, ValidationResult, Violation } from './types.ts';

const TYPES: readonly [keyof ResourceSet, string][] = [
  ['listeners', LISTENER_TYPE],
  ['clusters', CLUSTER_TYPE],
  ['routes', ROUTE_TYPE],
  ['endpoints', ENDPOINT_TYPE],
  ['secrets', SECRET_TYPE],
];

/**
 * Resource objects that passed on their own with the default options. The
 * mesh engine shares one object between every proxy that carries the same
 * resource (xds/resources/memo.ts), and such objects are never mutated, so
 * each is checked once. (Timestamp rules relative to now would make a result
 * depend on the clock; no field of the resources Switchboard builds has one.)
 */
const passed = new WeakSet<object>();

/**
 * Checks every resource of the set (schema and PGV rules) and the references between them;
 * a reference check runs only when the referenced type is present in the set (see references.ts).
 */
export function validateResourceSet(set: ResourceSet, options?: ValidateOptions): ValidationResult {
  const violations: Violation[] = [];
  for (const [key, typeUrl] of TYPES) {
    for (const r of set[key] ?? []) {
      if (options === undefined && passed.has(r)) continue;
      const found = resourceViolations(typeUrl, r, resourceLabel(typeUrl, r), options);
      for (const v of found) violations.push(v);
      if (options === undefined && found.length === 0) passed.add(r);
    }
  }
  for (const v of referenceViolations(set)) violations.push(v);
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}
