/** What one ADS stream keeps per resource type: subscription, what the proxy holds, nonces. */
import { createHash } from 'node:crypto';
import type { CancelWatch, Resource } from '../cache/index.ts';
import type { ResourceTypeUrl } from '../type-urls.ts';
import type { TypeStatus } from './proxy-status.ts';

/** One type on one stream. */
export interface TypeState {
  readonly typeUrl: ResourceTypeUrl;
  wildcard: boolean;
  names: Set<string>;
  /** name → version the proxy holds (was last sent, or declared on a delta reconnect). */
  readonly known: Map<string, string>;
  /** The Resources behind `known` (absent for versions a delta client declared). */
  readonly sent: Map<string, Resource>;
  cancel: CancelWatch | undefined;
  answered: boolean;
  lastNonce: string | undefined;
  /**
   * The earliest commit time among changes sent since the proxy last replied
   * to the latest nonce. Only the latest nonce is ever ACKed (older ones are
   * stale), and its ACK covers everything sent before it, so one number per
   * type stands for the whole nonce → since map.
   */
  unackedSince: number | undefined;
  status: TypeStatus;
}

/** A fresh state: nothing subscribed, nothing held. */
export function newTypeState(typeUrl: ResourceTypeUrl): TypeState {
  return {
    typeUrl,
    wildcard: false,
    names: new Set(),
    known: new Map(),
    sent: new Map(),
    cancel: undefined,
    answered: false,
    lastNonce: undefined,
    unackedSince: undefined,
    status: { typeUrl, wildcard: false, subscribed: [], resources: [], staleRequests: 0 },
  };
}

/** A hash naming the set of (name, version) pairs a type holds: version_info of SotW responses. */
export function typeVersion(resources: Iterable<Resource>): string {
  const entries = [...resources].map((r) => `${r.name}\0${r.version}`).sort();
  return createHash('sha256').update(entries.join('\n')).digest('base64url').slice(0, 16);
}

/** True when both sets hold the same names. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
