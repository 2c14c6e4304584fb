/**
 * The encode-once figure: the server's resource encodings over a window
 * (`switchboard_xds_cache_encodings_total` from its `/metrics`) against the
 * distinct (type URL, name, version) triples the simulated proxies received
 * in the same window. Versions are content hashes, so one distinct triple is
 * one distinct encoded resource: a ratio of 1.0 means each was encoded once.
 *
 * Above 1, the server encoded something twice, or encoded resources that
 * were never sent (built, then superseded by a newer build before its push
 * went out). Below 1, proxies were sent resources encoded before the window
 * (a reconnect resends cached bytes; an endpoint set that returns to an
 * earlier content can be found in the cache still).
 */
import { performance } from 'node:perf_hooks';
import type { ReceivedVersions } from './received-versions.ts';
import { promSample } from './stats.ts';

/** Encodings against distinct versions received, over one window. */
export interface EncodeOnce {
  /** Resource encodings the server's cache did in the window. */
  encodings: number;
  /** Distinct (type URL, name, version) triples the proxies received in the window. */
  distinctReceived: number;
  /** The same, per type URL. */
  distinctByType: Record<string, number>;
  /** encodings / distinctReceived (null when nothing was received). */
  ratio: number | null;
}

/** The series that counts the cache's encodings. */
export const ENCODINGS_SERIES = 'switchboard_xds_cache_encodings_total';

/** The cache's encodings total in a `/metrics` scrape; throws if the server does not expose it. */
export function encodingsIn(metrics: string): number {
  const v = promSample(metrics, ENCODINGS_SERIES);
  if (v === undefined || !Number.isFinite(v)) throw new Error(`GET /metrics: no ${ENCODINGS_SERIES} sample`);
  return v;
}

/** The figure for a window, from the encodings delta and what was received. */
export function encodeOnceOf(encodings: number, received: ReceivedVersions): EncodeOnce {
  const distinctReceived = received.size;
  return {
    encodings,
    distinctReceived,
    distinctByType: received.sizeByType(),
    ratio: distinctReceived > 0 ? Math.round((encodings / distinctReceived) * 1000) / 1000 : null,
  };
}

/** The scenarios whose encodings a smoke run holds to the versions received: one change at a time, nothing resent from cache. */
export const ENCODE_ONCE_SCENARIOS = ['endpoint', 'mesh-wide'] as const;

/**
 * How many encodings a change scenario may do beyond the distinct versions
 * its proxies received without counting as re-encoding: resources built and
 * encoded, then superseded by a newer build before their push went out. In
 * the endpoint and mesh-wide scenarios every write waits for convergence
 * before the next, and one write reaches the engine as one coalesced change,
 * so that should be rare: 1 % of what was received, and at least 2.
 */
export function encodeOnceSlack(distinctReceived: number): number {
  return Math.max(2, Math.ceil(distinctReceived * 0.01));
}

/** Encodings beyond the distinct versions received and the slack, or 0. */
export function encodeOnceExcess(e: EncodeOnce): number {
  return Math.max(0, e.encodings - e.distinctReceived - encodeOnceSlack(e.distinctReceived));
}

/**
 * Resolves once the server has no rebuild pending and no proxy received
 * anything for `quietMs`, or at `timeoutMs`: work a scenario caused after
 * its last proxy converged still belongs to its encode-once window.
 */
export async function settle(pending: () => Promise<number>, messages: () => number, timeoutMs: number, quietMs = 200): Promise<void> {
  const until = performance.now() + timeoutMs;
  let seen = messages();
  let quietSince = performance.now();
  while (performance.now() < until) {
    const busy = (await pending()) > 0;
    const now = messages();
    if (busy || now !== seen) {
      seen = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
