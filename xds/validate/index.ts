/**
 * The resource validator: checks Envoy resources, as the plain keepCase
 * objects we encode, against Envoy's schema, the protoc-gen-validate rules
 * written in Envoy's protos, and the references across a proxy's resource set.
 */
export { validateResource, resourceLabel, resourceKind } from './resource.ts';
export { validateResourceSet } from './set.ts';
export { formatViolation } from './format.ts';
export { translateRe2, re2ToRegExp, UnsupportedPatternError } from './re2.ts';
export type { Violation, ValidationResult, ResourceSet, ResourceObject, ValidateOptions } from './types.ts';
