/** ACLs: the rule model and its HCL/JSON parser, the authorizer, token resolution and ACL state changes. */
export {
  ANONYMOUS_TOKEN_ID,
  GLOBAL_MANAGEMENT_POLICY,
  emptyRules,
  type Access,
  type GlobalResource,
  type NamedResource,
  type NamedRule,
  type ParseRulesResult,
  type PolicyLevel,
  type PolicyRules,
} from './types.ts';
export { parseRules } from './parse-rules.ts';
export { parseHcl, type HclItem } from './hcl.ts';
export { buildAuthorizer, managementAuthorizer, serviceIdentityRules, type Authorizer, type DefaultPolicy } from './authorizer.ts';
export { AclResolver, anonymousTokenRecord, type AclStateSource, type ResolvedToken } from './resolver.ts';
export { hashSecret, newAclId, isUuid } from './secret.ts';
export { tokenView, policyView, allPolicies, globalManagementPolicy, HIDDEN_SECRET, type TokenView, type PolicyView } from './views.ts';
export {
  AclChangeError,
  bootstrapMutation,
  createTokenMutation,
  updateTokenMutation,
  deleteTokenMutation,
  findToken,
  createPolicyMutation,
  updatePolicyMutation,
  deletePolicyMutation,
  type TokenInput,
  type PolicyInput,
} from './admin.ts';
