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
 * Checks every resource of the set (schema and PGV rules) and the references between them;
 * a reference check runs only when the referenced type is present in the set (see references.ts).
 */
export function validateResourceSet(set: ResourceSet, options?: ValidateOptions): ValidationResult {
  const violations: Violation[] = [];
  for (const [key, typeUrl] of TYPES) {
    for (const r of set[key] ?? []) {
      for (const v of resourceViolations(typeUrl, r, resourceLabel(typeUrl, r), options)) violations.push(v);
    }
  }
  for (const v of referenceViolations(set)) violations.push(v);
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}
