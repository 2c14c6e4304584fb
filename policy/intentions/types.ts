/**
 * Intentions as Consul spells them: the `service-intentions` config entry
 * (one per destination, holding its sources) and the legacy intention object
 * of `/v1/connect/intentions`. Field names are Consul's so that existing
 * clients, scripts and the UI can read and write them unchanged.
 */

/** The wildcard that stands for "every service" or "every namespace" — only as a whole name. */
export const WILDCARD = '*';

/** The namespace a name without one lives in. */
export const DEFAULT_NAMESPACE = 'default';

/** What an intention does with the traffic it governs. */
export type IntentionAction = 'allow' | 'deny';

/** One header condition of an L7 permission. Exactly one of Present/Exact/Prefix/Suffix/Regex is set. */
export interface IntentionHTTPHeaderPermission {
  Name: string;
  Present?: boolean;
  Exact?: string;
  Prefix?: string;
  Suffix?: string;
  Regex?: string;
  /** Negates the whole condition (a missing header then matches). */
  Invert?: boolean;
}

/** The HTTP conditions of an L7 permission; every condition given must hold. */
export interface IntentionHTTPPermission {
  PathExact?: string;
  PathPrefix?: string;
  PathRegex?: string;
  Header?: IntentionHTTPHeaderPermission[];
  Methods?: string[];
}

/** One L7 permission: the first one (in order) whose HTTP conditions match decides. */
export interface IntentionPermission {
  Action: IntentionAction;
  HTTP: IntentionHTTPPermission;
}

/** One source of a `service-intentions` entry: an intention from `Name` to the entry's destination. */
export interface SourceIntention {
  Name: string;
  Namespace?: string;
  /** Set for an L4 intention; omitted when Permissions are given. */
  Action?: IntentionAction;
  Permissions?: IntentionPermission[];
  /** Computed on write; anything a client sends here is replaced. */
  Precedence: number;
  Type: 'consul';
  Description?: string;
  /** Set only for intentions written through the legacy `/v1/connect/intentions` API. */
  LegacyID?: string;
  LegacyMeta?: Record<string, string>;
  LegacyCreateTime?: string;
  LegacyUpdateTime?: string;
}

/** A `service-intentions` config entry: every intention whose destination is `Name`. */
export interface ServiceIntentionsEntry {
  Kind: 'service-intentions';
  Name: string;
  Namespace?: string;
  /** Sorted by Precedence, highest first, once normalised. */
  Sources: SourceIntention[];
  Meta?: Record<string, string>;
  CreateIndex?: number;
  ModifyIndex?: number;
}

/**
 * The legacy intention object (`/v1/connect/intentions`, `/match`, `/exact`):
 * one source of one entry, seen on its own. Evaluation works on this shape.
 */
export interface Intention {
  ID: string;
  Description: string;
  SourceNS: string;
  SourceName: string;
  DestinationNS: string;
  DestinationName: string;
  SourceType: 'consul';
  /** Empty for an L7 intention (one with Permissions), as Consul reports it. */
  Action: IntentionAction | '';
  Permissions?: IntentionPermission[];
  Precedence: number;
  Meta: Record<string, string>;
  CreatedAt?: string;
  UpdatedAt?: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A service named by namespace and name; either may be the wildcard in an intention, never in a query. */
export interface ServiceRef {
  name: string;
  namespace?: string;
}

/** `{ ok: true, value } | { ok: false, errors }`: validation never throws. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };
