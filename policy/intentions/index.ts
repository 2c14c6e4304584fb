/** Intentions: the model, precedence, validation, evaluation (L4 and L7) and flattening for RBAC. */
export {
  WILDCARD,
  DEFAULT_NAMESPACE,
  type IntentionAction,
  type IntentionHTTPHeaderPermission,
  type IntentionHTTPPermission,
  type IntentionPermission,
  type SourceIntention,
  type ServiceIntentionsEntry,
  type Intention,
  type ServiceRef,
  type ValidationResult,
} from './types.ts';
export { intentionPrecedence, compareIntentions, sortByPrecedence } from './precedence.ts';
export { validateServiceIntentions, validateLegacyIntention, type IntentionValidationOptions } from './validate.ts';
export { HTTP_METHODS } from './validate-permissions.ts';
export {
  intentionsFromEntry,
  intentionsFromEntries,
  sourceFromIntention,
  upsertLegacyIntention,
  removeLegacyIntention,
} from './legacy.ts';
export { matchIntentions, governingIntention, checkIntention, type IntentionDecision, type ServiceQuery } from './match.ts';
export { evaluateL7, httpPermissionMatches, urlPath, type L7Request, type L7Decision } from './l7.ts';
export {
  compileIntentions,
  patternCovers,
  patternMatches,
  type SourcePattern,
  type PrincipalSet,
  type FlatPermission,
  type L7Rule,
  type CompiledIntentionRules,
  type CompileOptions,
  type CompiledAuthorization,
} from './flatten.ts';
export { re2SyntaxError, re2FullMatch } from './regex.ts';
