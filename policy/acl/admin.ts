/**
 * Changes to the ACL state, as pure mutations for AclStore.update: bootstrap,
 * token and policy create/update/delete. Input is validated here and every
 * error names the field; nothing is half-applied.
 */
import { PENDING_INDEX, type AclMutation, type AclPolicyRecord, type AclState, type AclTokenRecord } from '../../catalog/index.ts';
import { parseRules } from './parse-rules.ts';
import { hashSecret, isUuid, newAclId } from './secret.ts';
import { ANONYMOUS_TOKEN_ID, GLOBAL_MANAGEMENT_POLICY } from './types.ts';
import { anonymousTokenRecord } from './resolver.ts';

/** Why an ACL change was refused: maps to 400, 403, 404 or 409 at the API. */
export class AclChangeError extends Error {
  constructor(
    readonly kind: 'invalid' | 'forbidden' | 'not-found',
    message: string,
  ) {
    super(message);
    this.name = 'AclChangeError';
  }
}

const invalid = (m: string): { error: Error } => ({ error: new AclChangeError('invalid', m) });

/** Token fields a client may send. */
export interface TokenInput {
  AccessorID?: string;
  SecretID?: string;
  Description?: string;
  Policies?: { ID?: string; Name?: string }[];
  ServiceIdentities?: { ServiceName: string; Datacenters?: string[] }[];
  Local?: boolean;
  Roles?: unknown[];
  NodeIdentities?: unknown[];
}

/** Policy fields a client may send. */
export interface PolicyInput {
  ID?: string;
  Name?: string;
  Description?: string;
  Rules?: string;
  Datacenters?: string[];
}

const POLICY_NAME = /^[A-Za-z0-9\-_]{1,128}$/;
const SERVICE_NAME = /^[a-z0-9]([a-z0-9\-_]*[a-z0-9])?$/i;

/** Bootstraps: the first management token, once. The secret is returned (and not stored). */
export function bootstrapMutation(secret: string | undefined, now: Date): AclMutation<{ token: AclTokenRecord; secret: string }> {
  return (state) => {
    if (state.bootstrapIndex !== undefined) {
      return { error: new AclChangeError('forbidden', `ACL bootstrap no longer allowed (reset index: ${state.bootstrapIndex})`) };
    }
    if (secret !== undefined && !isUuid(secret)) return invalid('BootstrapSecret: must be a UUID');
    const s = secret ?? newAclId();
    if (state.tokens.some((t) => t.SecretHash === hashSecret(s))) return invalid('BootstrapSecret: already in use');
    const token: AclTokenRecord = {
      AccessorID: newAclId(),
      SecretHash: hashSecret(s),
      Description: 'Bootstrap Token (Global Management)',
      Policies: [{ ID: GLOBAL_MANAGEMENT_POLICY.ID }],
      ServiceIdentities: [],
      Local: false,
      CreateTime: now.toISOString(),
      CreateIndex: PENDING_INDEX,
      ModifyIndex: PENDING_INDEX,
    };
    return { state: { ...state, bootstrapIndex: PENDING_INDEX, tokens: [...state.tokens, token] }, result: { token, secret: s } };
  };
}

function linkPolicies(state: AclState, input: TokenInput): { ok: true; value: { ID: string }[] } | { ok: false; message: string } {
  const out: { ID: string }[] = [];
  const list = input.Policies ?? [];
  for (const [i, link] of list.entries()) {
    const byId = link.ID !== undefined && link.ID !== '';
    const found =
      byId
        ? link.ID === GLOBAL_MANAGEMENT_POLICY.ID || state.policies.some((p) => p.ID === link.ID)
          ? link.ID
          : undefined
        : link.Name === GLOBAL_MANAGEMENT_POLICY.Name
          ? GLOBAL_MANAGEMENT_POLICY.ID
          : state.policies.find((p) => p.Name === link.Name)?.ID;
    if (!byId && (link.Name === undefined || link.Name === '')) return { ok: false, message: `Policies[${i}]: needs an ID or a Name` };
    if (found === undefined) return { ok: false, message: `Policies[${i}]: no policy with ${byId ? `ID "${link.ID}"` : `Name "${link.Name}"`}` };
    if (!out.some((o) => o.ID === found)) out.push({ ID: found });
  }
  return { ok: true, value: out };
}

function checkTokenInput(input: TokenInput): string | undefined {
  if (input.Roles?.length) return 'Roles: roles are not supported; link policies or service identities';
  if (input.NodeIdentities?.length) return 'NodeIdentities: node identities are not supported';
  for (const [i, si] of (input.ServiceIdentities ?? []).entries()) {
    if (!si.ServiceName || !SERVICE_NAME.test(si.ServiceName)) return `ServiceIdentities[${i}].ServiceName: "${si.ServiceName ?? ''}" is not a valid service name`;
  }
  return undefined;
}

/** Creates a token; the secret (given or made) is returned once. */
export function createTokenMutation(input: TokenInput, now: Date): AclMutation<{ token: AclTokenRecord; secret: string }> {
  return (state) => {
    const bad = checkTokenInput(input);
    if (bad) return invalid(bad);
    if (input.AccessorID !== undefined && input.AccessorID !== '' && !isUuid(input.AccessorID)) return invalid('AccessorID: must be a UUID');
    if (input.SecretID !== undefined && input.SecretID !== '' && !isUuid(input.SecretID)) return invalid('SecretID: must be a UUID');
    const accessor = input.AccessorID || newAclId();
    const secret = input.SecretID || newAclId();
    if (accessor === ANONYMOUS_TOKEN_ID || state.tokens.some((t) => t.AccessorID === accessor)) return invalid(`AccessorID: "${accessor}" is already in use`);
    if (state.tokens.some((t) => t.SecretHash === hashSecret(secret))) return invalid('SecretID: already in use');
    const links = linkPolicies(state, input);
    if (!links.ok) return invalid(links.message);
    const token: AclTokenRecord = {
      AccessorID: accessor,
      SecretHash: hashSecret(secret),
      Description: input.Description ?? '',
      Policies: links.value,
      ServiceIdentities: input.ServiceIdentities ?? [],
      Local: input.Local ?? false,
      CreateTime: now.toISOString(),
      CreateIndex: PENDING_INDEX,
      ModifyIndex: PENDING_INDEX,
    };
    return { state: { ...state, tokens: [...state.tokens, token] }, result: { token, secret } };
  };
}

/** Finds a token by AccessorID, the anonymous token included. */
export function findToken(state: AclState, accessor: string): AclTokenRecord | undefined {
  return state.tokens.find((t) => t.AccessorID === accessor) ?? (accessor === ANONYMOUS_TOKEN_ID ? anonymousTokenRecord() : undefined);
}

/** Replaces a token's description, policies and service identities (its secret never changes). */
export function updateTokenMutation(accessor: string, input: TokenInput): AclMutation<AclTokenRecord> {
  return (state) => {
    const existing = findToken(state, accessor);
    if (!existing) return { error: new AclChangeError('not-found', 'ACL not found') };
    if (input.AccessorID && input.AccessorID !== accessor) return invalid(`AccessorID: "${input.AccessorID}" does not match the URL's "${accessor}"`);
    if (input.SecretID && hashSecret(input.SecretID) !== existing.SecretHash) return invalid('SecretID: a token\'s secret cannot be changed');
    const bad = checkTokenInput(input);
    if (bad) return invalid(bad);
    const links = linkPolicies(state, input);
    if (!links.ok) return invalid(links.message);
    const token: AclTokenRecord = {
      ...existing,
      Description: input.Description ?? existing.Description,
      Policies: links.value,
      ServiceIdentities: input.ServiceIdentities ?? [],
      Local: input.Local ?? existing.Local,
      ModifyIndex: PENDING_INDEX,
    };
    const others = state.tokens.filter((t) => t.AccessorID !== accessor);
    return { state: { ...state, tokens: [...others, token] }, result: token };
  };
}

/** Deletes a token (not the anonymous one, nor the one making the request). */
export function deleteTokenMutation(accessor: string, callerAccessor: string): AclMutation<boolean> {
  return (state) => {
    if (accessor === ANONYMOUS_TOKEN_ID) return { error: new AclChangeError('forbidden', 'Permission denied: the anonymous token cannot be deleted') };
    if (accessor === callerAccessor) return { error: new AclChangeError('forbidden', "Permission denied: deleting the request's own token is not allowed") };
    if (!state.tokens.some((t) => t.AccessorID === accessor)) return { state, result: false };
    return { state: { ...state, tokens: state.tokens.filter((t) => t.AccessorID !== accessor) }, result: true };
  };
}

function checkPolicyInput(state: AclState, input: PolicyInput, selfId: string | undefined): string | undefined {
  if (!input.Name || !POLICY_NAME.test(input.Name)) return `Name: "${input.Name ?? ''}" is not a valid policy name (letters, digits, - and _, at most 128)`;
  if (input.Name === GLOBAL_MANAGEMENT_POLICY.Name || state.policies.some((p) => p.Name === input.Name && p.ID !== selfId)) {
    return `Name: a policy named "${input.Name}" already exists`;
  }
  const parsed = parseRules(input.Rules ?? '');
  if (!parsed.ok) return `Rules: ${parsed.errors.join('; ')}`;
  return undefined;
}

/** Creates a policy after parsing its rules; returns it with the parser's warnings. */
export function createPolicyMutation(input: PolicyInput): AclMutation<{ policy: AclPolicyRecord; warnings: string[] }> {
  return (state) => {
    if (input.ID) return invalid('ID: must not be given when creating a policy');
    const bad = checkPolicyInput(state, input, undefined);
    if (bad) return invalid(bad);
    const policy: AclPolicyRecord = {
      ID: newAclId(),
      Name: input.Name!,
      Description: input.Description ?? '',
      Rules: input.Rules ?? '',
      Datacenters: input.Datacenters ?? [],
      CreateIndex: PENDING_INDEX,
      ModifyIndex: PENDING_INDEX,
    };
    const parsed = parseRules(policy.Rules);
    return { state: { ...state, policies: [...state.policies, policy] }, result: { policy, warnings: parsed.ok ? parsed.warnings : [] } };
  };
}

/** Replaces a policy's name, description, rules and datacenters. */
export function updatePolicyMutation(id: string, input: PolicyInput): AclMutation<AclPolicyRecord> {
  return (state) => {
    if (id === GLOBAL_MANAGEMENT_POLICY.ID) return { error: new AclChangeError('forbidden', 'Permission denied: the global-management policy cannot be changed') };
    const existing = state.policies.find((p) => p.ID === id);
    if (!existing) return { error: new AclChangeError('not-found', `Policy not found: "${id}"`) };
    if (input.ID && input.ID !== id) return invalid(`ID: "${input.ID}" does not match the URL's "${id}"`);
    const merged = { ...input, Name: input.Name ?? existing.Name };
    const bad = checkPolicyInput(state, merged, id);
    if (bad) return invalid(bad);
    const policy: AclPolicyRecord = {
      ...existing,
      Name: merged.Name,
      Description: input.Description ?? existing.Description,
      Rules: input.Rules ?? existing.Rules,
      Datacenters: input.Datacenters ?? existing.Datacenters,
      ModifyIndex: PENDING_INDEX,
    };
    return { state: { ...state, policies: state.policies.map((p) => (p.ID === id ? policy : p)) }, result: policy };
  };
}

/** Deletes a policy; tokens that linked it simply lose it. */
export function deletePolicyMutation(id: string): AclMutation<boolean> {
  return (state) => {
    if (id === GLOBAL_MANAGEMENT_POLICY.ID) return { error: new AclChangeError('forbidden', 'Permission denied: the global-management policy cannot be deleted') };
    if (!state.policies.some((p) => p.ID === id)) return { state, result: false };
    return { state: { ...state, policies: state.policies.filter((p) => p.ID !== id) }, result: true };
  };
}
