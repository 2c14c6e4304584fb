/**
 * Turns the secret a request presents into the token and its authorizer.
 * Everything derived (secret index, parsed policies, authorizers) is rebuilt
 * only when the ACL state's index changes.
 */
import type { AclState, AclTokenRecord } from '../../catalog/index.ts';
import { buildAuthorizer, managementAuthorizer, serviceIdentityRules, type Authorizer, type DefaultPolicy } from './authorizer.ts';
import { parseRules } from './parse-rules.ts';
import { hashSecret } from './secret.ts';
import { ANONYMOUS_TOKEN_ID, GLOBAL_MANAGEMENT_POLICY, type PolicyRules } from './types.ts';

/** A token the request presented (or the anonymous token) with what it may do. */
export interface ResolvedToken {
  accessorId: string;
  /** The stored token; absent for the anonymous token before anyone changed it. */
  token?: AclTokenRecord;
  authorizer: Authorizer;
}

/** Where the resolver reads the ACL state from (AclStore.read). */
export type AclStateSource = () => { state: AclState; index: number };

/** The anonymous token as it exists before anyone links policies to it. */
export function anonymousTokenRecord(): AclTokenRecord {
  return {
    AccessorID: ANONYMOUS_TOKEN_ID,
    SecretHash: hashSecret('anonymous'),
    Description: 'Anonymous Token',
    Policies: [],
    ServiceIdentities: [],
    Local: false,
    CreateTime: new Date(0).toISOString(),
    CreateIndex: 1,
    ModifyIndex: 1,
  };
}

interface Derived {
  index: number;
  bySecret: Map<string, AclTokenRecord>;
  rulesByPolicy: Map<string, PolicyRules>;
  authorizers: Map<string, Authorizer>;
}

/** Resolves secrets against the ACL state under a default policy. */
export class AclResolver {
  private derived: Derived | undefined;

  constructor(
    private readonly source: AclStateSource,
    readonly defaultPolicy: DefaultPolicy,
  ) {}

  /** The token for `secret` (anonymous when empty or absent), or undefined when no token has that secret. */
  resolve(secret: string | undefined): ResolvedToken | undefined {
    const d = this.current();
    let token: AclTokenRecord | undefined;
    if (secret === undefined || secret === '' || secret === 'anonymous') {
      token = d.bySecret.get(hashSecret('anonymous')) ?? anonymousTokenRecord();
    } else {
      token = d.bySecret.get(hashSecret(secret));
      if (!token) return undefined;
    }
    return { accessorId: token.AccessorID, token, authorizer: this.authorizerOf(token, d) };
  }

  private authorizerOf(token: AclTokenRecord, d: Derived): Authorizer {
    const hit = d.authorizers.get(token.AccessorID);
    if (hit) return hit;
    let authz: Authorizer;
    if (token.Policies.some((p) => p.ID === GLOBAL_MANAGEMENT_POLICY.ID)) {
      authz = managementAuthorizer();
    } else {
      const rules: PolicyRules[] = [];
      // A link to a policy that was deleted since grants nothing, as in Consul.
      for (const p of token.Policies) {
        const r = d.rulesByPolicy.get(p.ID);
        if (r) rules.push(r);
      }
      for (const si of token.ServiceIdentities) rules.push(serviceIdentityRules(si.ServiceName));
      authz = buildAuthorizer(rules, this.defaultPolicy);
    }
    d.authorizers.set(token.AccessorID, authz);
    return authz;
  }

  private current(): Derived {
    const { state, index } = this.source();
    if (this.derived?.index === index) return this.derived;
    const bySecret = new Map<string, AclTokenRecord>();
    for (const t of state.tokens) bySecret.set(t.SecretHash, t);
    const rulesByPolicy = new Map<string, PolicyRules>();
    for (const p of state.policies) {
      const parsed = parseRules(p.Rules);
      // Stored rules were validated on write; a policy that no longer parses grants nothing.
      if (parsed.ok) rulesByPolicy.set(p.ID, parsed.value);
    }
    this.derived = { index, bySecret, rulesByPolicy, authorizers: new Map() };
    return this.derived;
  }
}
