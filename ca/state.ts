/**
 * The CA's persisted record: cluster identity, configuration and roots
 * (private keys included — this text lives only in the store and in the CA).
 * Indexes written as 0 mean "the index of the write that stores this", which
 * the writer cannot know before its compare-and-swap succeeds; they are
 * filled in when the record is read back.
 */
import type { CAConfiguration } from './config.ts';
import type { PrivateKeyType } from './config.ts';
import type { CAConfigurationView, CARoot, CARootList } from './types.ts';

/** A cross-signed certificate and the root whose key signed it. */
export interface PersistedIntermediate {
  pem: string;
  signerId: string;
}

/** A root as stored. */
export interface PersistedRoot {
  id: string;
  name: string;
  /** Decimal text: serials are bigints. */
  serial: string;
  signingKeyId: string;
  notBefore: string;
  notAfter: string;
  certPem: string;
  intermediates: PersistedIntermediate[];
  keyType: PrivateKeyType;
  keyBits: number;
  /** PKCS#8 PEM. Never leaves the ca/ module. */
  privateKeyPem: string;
  createIndex: number;
  modifyIndex: number;
  /** The longest leaf lifetime this root has signed with: how long it must stay trusted once rotated out. */
  maxLeafTtlMs: number;
  rotatedOutAt?: string;
  /** When the root stops being trusted: rotation time plus maxLeafTtlMs. */
  pruneAfter?: string;
}

/** The whole record. */
export interface PersistedCAState {
  version: 1;
  clusterId: string;
  trustDomain: string;
  activeRootId: string;
  config: CAConfiguration;
  configCreateIndex: number;
  configModifyIndex: number;
  roots: PersistedRoot[];
}

/** Parses a stored record and fills pending (0) indexes with the record's index. */
export function parseState(text: string, recordIndex: number): PersistedCAState {
  const state = JSON.parse(text) as PersistedCAState;
  if (state.version !== 1 || !Array.isArray(state.roots) || typeof state.activeRootId !== 'string') {
    throw new Error('CA state record is not a version-1 CA state');
  }
  if (!state.roots.some((r) => r.id === state.activeRootId)) throw new Error('CA state has no active root');
  const fill = (n: number): number => (n === 0 ? recordIndex : n);
  state.configCreateIndex = fill(state.configCreateIndex);
  state.configModifyIndex = fill(state.configModifyIndex);
  for (const r of state.roots) {
    r.createIndex = fill(r.createIndex);
    r.modifyIndex = fill(r.modifyIndex);
  }
  return state;
}

/** A deep copy for a writer to modify. */
export const cloneState = (s: PersistedCAState): PersistedCAState => structuredClone(s);

/** The active root of a state (parseState guarantees there is one). */
export function activeRoot(s: PersistedCAState): PersistedRoot {
  const r = s.roots.find((x) => x.id === s.activeRootId);
  if (!r) throw new Error('CA state has no active root');
  return r;
}

/** The public view of a root: everything but the key. */
export function rootView(s: PersistedCAState, r: PersistedRoot): CARoot {
  return {
    ID: r.id,
    Name: r.name,
    SerialNumber: Number(r.serial),
    SigningKeyID: r.signingKeyId,
    ExternalTrustDomain: s.clusterId,
    NotBefore: r.notBefore,
    NotAfter: r.notAfter,
    RootCert: r.certPem,
    IntermediateCerts: r.intermediates.map((i) => i.pem),
    Active: r.id === s.activeRootId,
    PrivateKeyType: r.keyType,
    PrivateKeyBits: r.keyBits,
    CreateIndex: r.createIndex,
    ModifyIndex: r.modifyIndex,
  };
}

/** The roots list in Consul's shape. */
export function rootListView(s: PersistedCAState): CARootList {
  return { ActiveRootID: s.activeRootId, TrustDomain: s.trustDomain, Roots: s.roots.map((r) => rootView(s, r)) };
}

/** The configuration in Consul's shape. */
export function configurationView(s: PersistedCAState): CAConfigurationView {
  return {
    Provider: s.config.Provider,
    Config: { ...s.config.Config },
    State: null,
    ForceWithoutCrossSigning: s.config.ForceWithoutCrossSigning,
    CreateIndex: s.configCreateIndex,
    ModifyIndex: s.configModifyIndex,
  };
}
