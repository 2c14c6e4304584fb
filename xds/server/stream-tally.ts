/**
 * Counts over every open stream for the metrics: connected proxies by flavour
 * and mode, and per type how many streams ever NACKed, NACKed the latest
 * response, or have one not yet answered. A scrape tallies streams from their
 * state directly; `tallyOf` does the same from status objects (the shape
 * /v1/xds/proxies shows), so both agree by construction of the tests.
 */
import { TYPE_SHORT_NAMES } from '../type-urls.ts';
import type { ProxyStatus } from './proxy-status.ts';
import type { TypeState } from './type-state.ts';

/** What a scrape needs to know of the streams. */
export interface StreamTally {
  /** `<flavour>/<mode>` → identified streams. */
  connected: Map<string, number>;
  /** type → streams whose latest reply was a NACK. */
  nacked: Map<string, number>;
  /** type → streams that NACKed at least once. */
  everNacked: Map<string, number>;
  /** type → streams with a response sent and not yet ACKed or NACKed. */
  unacked: Map<string, number>;
}

/** An empty tally. */
export function newStreamTally(): StreamTally {
  return { connected: new Map(), nacked: new Map(), everNacked: new Map(), unacked: new Map() };
}

/** Adds one to a count. */
export function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** The tally of a list of stream statuses. */
export function tallyOf(statuses: Iterable<ProxyStatus>): StreamTally {
  const t = newStreamTally();
  for (const p of statuses) {
    bump(t.connected, `${p.flavour}/${p.mode}`);
    for (const [type, s] of Object.entries(p.types)) {
      if (s.lastNack) bump(t.everNacked, type);
      // The later of the last ACK and the last NACK is the proxy's latest answer.
      const nackIsLatest = s.lastNack !== undefined && (s.lastAcked === undefined || s.lastNack.at >= s.lastAcked.at);
      const latest = nackIsLatest ? s.lastNack : s.lastAcked;
      if (nackIsLatest) bump(t.nacked, type);
      if (s.lastSent && s.lastSent.nonce !== latest?.nonce) bump(t.unacked, type);
    }
  }
  return t;
}

/** Adds one identified stream (`<flavour>/<mode>`) to a tally from its per-type state. */
export function tallyStream(t: StreamTally, connectedAs: string, types: Iterable<TypeState>): void {
  bump(t.connected, connectedAs);
  for (const st of types) {
    const type = TYPE_SHORT_NAMES[st.typeUrl];
    const nack = st.nack;
    if (nack) bump(t.everNacked, type);
    const nackIsLatest = nack !== undefined && (st.ackedVersion === undefined || nack.at >= st.ackedAt);
    if (nackIsLatest) bump(t.nacked, type);
    const latestNonce = nackIsLatest ? nack.nonce : st.ackedVersion !== undefined ? st.ackedNonce : undefined;
    if (st.sentVersion !== undefined && st.lastNonce !== latestNonce) bump(t.unacked, type);
  }
}
