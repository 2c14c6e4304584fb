/** The JSON shapes of tokens and policies that the HTTP API answers with (Consul's field names). */
import { createHash } from 'node:crypto';
import type { AclPolicyRecord, AclState, AclTokenRecord } from '../../catalog/index.ts';
import { GLOBAL_MANAGEMENT_POLICY } from './types.ts';

/** A token as the API shows it. */
export interface TokenView {
  AccessorID: string;
  SecretID: string;
  Description: string;
  Policies: { ID: string; Name: string }[];
  ServiceIdentities?: { ServiceName: string; Datacenters?: string[] }[];
  Local: boolean;
  CreateTime: string;
  Hash: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A policy as the API shows it. */
export interface PolicyView {
  ID: string;
  Name: string;
  Description: string;
  Rules: string;
  Datacenters: string[];
  Hash: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** Shown in place of a secret that is not the caller's to see: only its hash is stored. */
export const HIDDEN_SECRET = '<hidden>';

const MANAGEMENT_RULES = [
  'acl = "write"',
  'operator = "write"',
  'mesh = "write"',
  'service_prefix "" {',
  '  policy     = "write"',
  '  intentions = "write"',
  '}',
  'node_prefix "" {',
  '  policy = "write"',
  '}',
  'agent_prefix "" {',
  '  policy = "write"',
  '}',
  '',
].join('\n');

/** The built-in global-management policy (not stored; cannot be changed or deleted). */
export function globalManagementPolicy(): AclPolicyRecord {
  return { ...GLOBAL_MANAGEMENT_POLICY, Description: 'Builtin Policy that grants unlimited access', Rules: MANAGEMENT_RULES, Datacenters: [], CreateIndex: 1, ModifyIndex: 1 };
}

/** Every policy, the built-in one first. */
export function allPolicies(state: AclState): AclPolicyRecord[] {
  return [globalManagementPolicy(), ...state.policies];
}

function contentHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64');
}

/** The API view of a token; `secret` only right after it was made (it is not stored). */
export function tokenView(t: AclTokenRecord, state: AclState, secret?: string): TokenView {
  const names = new Map(allPolicies(state).map((p) => [p.ID, p.Name]));
  const view: TokenView = {
    AccessorID: t.AccessorID,
    SecretID: secret ?? HIDDEN_SECRET,
    Description: t.Description,
    // A link to a deleted policy is not shown, as in Consul.
    Policies: t.Policies.flatMap((p) => {
      const name = names.get(p.ID);
      return name === undefined ? [] : [{ ID: p.ID, Name: name }];
    }),
    Local: t.Local,
    CreateTime: t.CreateTime,
    Hash: contentHash([t.Description, t.Policies, t.ServiceIdentities, t.Local]),
    CreateIndex: t.CreateIndex,
    ModifyIndex: t.ModifyIndex,
  };
  if (t.ServiceIdentities.length) view.ServiceIdentities = t.ServiceIdentities;
  return view;
}

/** The API view of a policy. */
export function policyView(p: AclPolicyRecord): PolicyView {
  return { ...p, Hash: contentHash([p.Name, p.Description, p.Rules, p.Datacenters]) };
}
