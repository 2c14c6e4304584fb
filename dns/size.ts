/** Fitting a response into the size the transport allows, setting TC when records had to go. */
import type { Answer, Packet } from 'dns-packet';
import * as dnsPacket from 'dns-packet';

/** Without EDNS a UDP answer may not exceed 512 bytes (RFC 1035). */
export const CLASSIC_UDP_SIZE = 512;
/** A TCP message is framed by a 16-bit length. */
export const TCP_MAX_SIZE = 65535;

/**
 * Encodes the response, keeping as many answers as fit in maxSize (with the additional records
 * that belong to them); if any answer had to go, the TC flag tells the client to retry over TCP.
 */
export function encodeWithinSize(response: Packet, maxSize: number): Buffer {
  const full = dnsPacket.encode(response);
  if (full.length <= maxSize) return full;

  const answers = response.answers ?? [];
  const additionals = response.additionals ?? [];
  const opt = additionals.filter((a) => a.type === 'OPT');
  const build = (count: number): Packet => {
    const kept = answers.slice(0, count);
    const targets = new Set(kept.flatMap((a) => (a.type === 'SRV' ? [a.data.target.toLowerCase()] : [])));
    const extra = additionals.filter((a: Answer) => a.type !== 'OPT' && targets.has(a.name.toLowerCase()));
    return {
      ...response,
      flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
      answers: kept,
      additionals: [...extra, ...opt],
    };
  };
  // The largest answer count that fits; size grows with the count, so binary search.
  let lo = 0;
  let hi = answers.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (dnsPacket.encodingLength(build(mid)) <= maxSize) lo = mid;
    else hi = mid - 1;
  }
  let packet = build(lo);
  if (dnsPacket.encodingLength(packet) > maxSize) {
    // Even the header, question and authority do not fit: send the bare header with TC.
    packet = { ...packet, answers: [], authorities: [], additionals: opt };
  }
  return dnsPacket.encode(packet);
}
