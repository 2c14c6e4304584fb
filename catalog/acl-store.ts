/**
 * ACL tokens and policies in the state store. The whole ACL state is one
 * key-material record (`acl`), replaced by compare-and-swap: a write reads
 * the state, changes it and retries if someone wrote in between, so every
 * change is atomic without a table of its own. Secrets are never stored, only
 * their SHA-256 hash.
 *
 * Create/modify indexes: a record changed by a write is stored with index -1
 * ("this write"); since the record's own modify index is the index that write
 * committed at, readers substitute it, and the next write fixes the value in.
 */
import type { CatalogStore } from './store.ts';
import type { ChangeEvent } from './types.ts';

/** The key-material key that holds the ACL state. */
export const ACL_STATE_KEY = 'acl';

/** A stored token: the secret only as its hash. */
export interface AclTokenRecord {
  AccessorID: string;
  /** Hex SHA-256 of the SecretID. */
  SecretHash: string;
  Description: string;
  Policies: { ID: string }[];
  ServiceIdentities: { ServiceName: string; Datacenters?: string[] }[];
  Local: boolean;
  CreateTime: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A stored policy; Rules is the text as written (HCL or JSON). */
export interface AclPolicyRecord {
  ID: string;
  Name: string;
  Description: string;
  Rules: string;
  Datacenters: string[];
  CreateIndex: number;
  ModifyIndex: number;
}

/** Everything the ACL system persists. */
export interface AclState {
  /** The index at which bootstrap happened; absent until then. */
  bootstrapIndex?: number;
  tokens: AclTokenRecord[];
  policies: AclPolicyRecord[];
}

/** A change to apply to the ACL state, or a refusal that leaves it as it was. */
export type AclMutation<T> = (state: AclState) => { state: AclState; result: T } | { error: Error };

/** Marks a record as written by the pending write (its index becomes that write's). */
export const PENDING_INDEX = -1;

function emptyState(): AclState {
  return { tokens: [], policies: [] };
}

function settle(state: AclState, index: number): AclState {
  const fix = <R extends { CreateIndex: number; ModifyIndex: number }>(r: R): R =>
    r.CreateIndex === PENDING_INDEX || r.ModifyIndex === PENDING_INDEX
      ? { ...r, CreateIndex: r.CreateIndex === PENDING_INDEX ? index : r.CreateIndex, ModifyIndex: r.ModifyIndex === PENDING_INDEX ? index : r.ModifyIndex }
      : r;
  return {
    ...state,
    bootstrapIndex: state.bootstrapIndex === PENDING_INDEX ? index : state.bootstrapIndex,
    tokens: state.tokens.map(fix),
    policies: state.policies.map(fix),
  };
}

/** Reads and writes the ACL state through a catalog store. */
export class AclStore {
  private cached: { modifyIndex: number; state: AclState } | undefined;

  constructor(private readonly store: CatalogStore) {}

  /** The current state (shared; do not mutate) and the index it was written at (0 if never). */
  read(): { state: AclState; index: number } {
    const rec = this.store.getKeyMaterial(ACL_STATE_KEY);
    if (!rec) return { state: emptyState(), index: 0 };
    if (this.cached?.modifyIndex !== rec.modifyIndex) {
      this.cached = { modifyIndex: rec.modifyIndex, state: settle(JSON.parse(rec.value) as AclState, rec.modifyIndex) };
    }
    return { state: this.cached.state, index: rec.modifyIndex };
  }

  /** Applies `mutate` atomically, retrying on concurrent writes; resolves with its result and the write's index. */
  async update<T>(mutate: AclMutation<T>): Promise<{ ok: true; result: T; index: number } | { ok: false; error: Error }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { state, index } = this.read();
      const out = mutate(state);
      if ('error' in out) return { ok: false, error: out.error };
      const w = await this.store.apply([{ op: 'casKeyMaterial', key: ACL_STATE_KEY, value: JSON.stringify(out.state), expectedModifyIndex: index }]);
      if (w.ok) return { ok: true, result: out.result, index: w.index };
      if (w.reason !== 'cas-failed') return { ok: false, error: new Error(w.message) };
    }
    return { ok: false, error: new Error('ACL state is changing too fast; try again') };
  }

  /** Calls `listener` after every committed change of the ACL state; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    return this.store.subscribe((ev: ChangeEvent) => {
      if (ev.keyMaterial.has(ACL_STATE_KEY)) listener();
    });
  }
}
