/**
 * The ACL rule model: what one policy's rules grant, resource by resource.
 * Named resources (service, node, agent) carry exact and prefix rules;
 * operator, mesh and acl are single values.
 */

/** A rule's level: write includes read; deny overrides both at equal specificity. */
export type PolicyLevel = 'read' | 'write' | 'deny';
/** What a request needs. */
export type Access = 'read' | 'write';
/** Resources looked up by name (intentions hang off service rules). */
export type NamedResource = 'service' | 'node' | 'agent' | 'intentions';
/** Resources with one level for the whole cluster. */
export type GlobalResource = 'operator' | 'mesh' | 'acl';

/** A rule on a named resource: `service "web" {…}` (exact) or `service_prefix "we" {…}`. */
export interface NamedRule {
  name: string;
  prefix: boolean;
  policy?: PolicyLevel;
  /** Only on service rules: the level on intentions whose destination matches. */
  intentions?: PolicyLevel;
}

/** The rules of one policy, parsed and validated. */
export interface PolicyRules {
  service: NamedRule[];
  node: NamedRule[];
  agent: NamedRule[];
  operator?: PolicyLevel;
  mesh?: PolicyLevel;
  acl?: PolicyLevel;
}

/** Result of parsing rules: the rules and warnings (ignored stanzas), or every error found. */
export type ParseRulesResult = { ok: true; value: PolicyRules; warnings: string[] } | { ok: false; errors: string[] };

/** The ID and name of the built-in policy that grants everything. */
export const GLOBAL_MANAGEMENT_POLICY = { ID: '00000000-0000-0000-0000-000000000001', Name: 'global-management' } as const;
/** The AccessorID of the token used when a request presents none. */
export const ANONYMOUS_TOKEN_ID = '00000000-0000-0000-0000-000000000002';

/** An empty rule set. */
export function emptyRules(): PolicyRules {
  return { service: [], node: [], agent: [] };
}
