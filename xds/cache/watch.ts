/**
 * How the ADS server knows a cache: it opens a single-shot watch for what one
 * stream subscribes to and what the proxy already holds; the cache answers it
 * once something differs, and the server opens the next one. Caches are
 * swappable; the server has no idea how resources were made.
 */
import type { ResourceTypeUrl } from '../type-urls.ts';
import type { Resource } from './resource.ts';

/** What one stream wants for one type. */
export interface WatchRequest {
  readonly nodeId: string;
  readonly typeUrl: ResourceTypeUrl;
  /** Every resource of the type for this node (LDS/CDS wildcard subscription). */
  readonly wildcard: boolean;
  /** Names subscribed explicitly. */
  readonly names: ReadonlySet<string>;
  /** What the proxy holds (or was last sent): name → version. */
  readonly knownVersions: ReadonlyMap<string, string>;
  /**
   * Answer as soon as the node has a snapshot even when nothing differs from
   * knownVersions: the first request of a type waits for a response, even an
   * empty one.
   */
  readonly answerWhenEmpty?: boolean;
}

/** The state of a subscription at the moment a watch is answered. */
export interface WatchResponse {
  readonly typeUrl: ResourceTypeUrl;
  /** Every subscribed resource that exists now, by name. */
  readonly resources: ReadonlyMap<string, Resource>;
  /** Names in knownVersions (and in the subscription) that no longer exist. */
  readonly removed: readonly string[];
  /**
   * When (ms, `Date.now()` clock) the earliest change this answer reflects was
   * committed, if the cache was told; the server measures change → ACK from it.
   */
  readonly since?: number;
}

/** Stops a watch; calling it after the watch was answered does nothing. */
export type CancelWatch = () => void;

/** The cache as the ADS server sees it. */
export interface ConfigWatcher {
  /**
   * Opens a single-shot watch. `respond` is called once, possibly before
   * createWatch returns, when a subscribed resource's version differs from
   * knownVersions, a known one is gone, or (answerWhenEmpty) the node has a
   * snapshot. Within one change a cache answers the watches of one node in
   * ADS_PUSH_ORDER.
   */
  createWatch(request: WatchRequest, respond: (response: WatchResponse) => void): CancelWatch;
  /** The current state of a subscription without waiting; undefined when the node has no snapshot yet. */
  fetch(request: WatchRequest): WatchResponse | undefined;
}
