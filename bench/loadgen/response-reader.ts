/**
 * Reads an ADS response's envelope straight from the wire — type URL, nonce,
 * version, removed names, and where each resource's bytes lie — and hands
 * each resource's bytes to `shared-resources.ts`, which decodes a given
 * content once for the whole fleet. Reading the envelope by hand avoids
 * building a message object per resource for every proxy; the resources
 * themselves are still decoded with Envoy's protos.
 */
import { sharedDeltaResource, sharedSotwResource, type SharedResource } from './shared-resources.ts';
import { WireCursor, WIRE_LEN } from './wire-cursor.ts';

/** A response as a simulated proxy handles it (delta, or SotW in the delta shape). */
export interface ReceivedResponse {
  /** Its size on the wire. */
  size: number;
  /** The raw bytes (kept only when recording). */
  raw: Buffer;
  typeUrl: string;
  nonce: string;
  /** SotW only: the response's version_info. */
  versionInfo?: string;
  resources: SharedResource[];
  /** Delta: the names removed. SotW: empty (what a response leaves out is the caller's to work out). */
  removed: string[];
}

/** Reads a DeltaDiscoveryResponse; each resource becomes the fleet's shared entry for its bytes. */
export function readDeltaResponse(raw: Buffer): ReceivedResponse {
  const c = new WireCursor(raw, 0, raw.length);
  let typeUrl = '';
  let nonce = '';
  const spans: number[] = [];
  const removed: string[] = [];
  while (c.pos < c.end) {
    const tag = c.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== WIRE_LEN || (field !== 2 && field !== 4 && field !== 5 && field !== 6)) {
      c.skip(wire);
      continue;
    }
    if (field === 2) spans.push(c.span(), c.spanEnd);
    else if (field === 4) typeUrl = c.string();
    else if (field === 5) nonce = c.string();
    else removed.push(c.string());
  }
  // The type URL may come after the resources on the wire: resolve them once it is known.
  const resources: SharedResource[] = [];
  for (let i = 0; i < spans.length; i += 2) resources.push(sharedDeltaResource(typeUrl, raw, spans[i] as number, spans[i + 1] as number));
  return { size: raw.length, raw, typeUrl, nonce, resources, removed };
}

/** Reads a (state-of-the-world) DiscoveryResponse into the delta shape; each resource becomes the fleet's shared entry for its bytes. */
export function readSotwResponse(raw: Buffer): ReceivedResponse & { versionInfo: string } {
  const c = new WireCursor(raw, 0, raw.length);
  let typeUrl = '';
  let nonce = '';
  let versionInfo = '';
  const anys: Array<{ typeUrl: string; start: number; end: number }> = [];
  while (c.pos < c.end) {
    const tag = c.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== WIRE_LEN || (field !== 1 && field !== 2 && field !== 4 && field !== 5)) {
      c.skip(wire);
      continue;
    }
    if (field === 1) versionInfo = c.string();
    else if (field === 2) anys.push(readAny(raw, c.span(), c.spanEnd));
    else if (field === 4) typeUrl = c.string();
    else nonce = c.string();
  }
  const resources = anys.map((a) => sharedSotwResource(typeUrl, a.typeUrl, raw, a.start, a.end));
  return { size: raw.length, raw, typeUrl, nonce, versionInfo, resources, removed: [] };
}

/** An `Any`'s type URL and where its value lies. */
function readAny(raw: Buffer, start: number, end: number): { typeUrl: string; start: number; end: number } {
  const c = new WireCursor(raw, start, end);
  const out = { typeUrl: '', start: end, end };
  while (c.pos < c.end) {
    const tag = c.uint32();
    const wire = tag & 7;
    if (wire !== WIRE_LEN) c.skip(wire);
    else if (tag >>> 3 === 1) out.typeUrl = c.string();
    else if (tag >>> 3 === 2) {
      out.start = c.span();
      out.end = c.spanEnd;
    }
    else c.skip(wire);
  }
  return out;
}
