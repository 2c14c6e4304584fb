/** Test helpers: validate and return violations as `path: rule` lines. */
import { validateResource, type ValidateOptions } from '../../xds/validate/index.ts';

/** The `path: rule` of every violation of the resource (empty when it passes). */
export function rulesBroken(type: string, resource: object, options?: ValidateOptions): string[] {
  const r = validateResource(type, resource, 'x', options);
  return r.ok ? [] : r.violations.map((v) => `${v.path}: ${v.rule}`);
}
