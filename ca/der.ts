/**
 * A minimal DER encoder and reader for the fixed certificate structures the
 * CA writes on its hot path (leaf certificates). Only the handful of ASN.1
 * types an X.509 leaf needs are here; everything else goes through
 * `@peculiar/x509` in `x509.ts`.
 */

const textEncoder = new TextEncoder();

/** Encodes one tag-length-value. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else if (len < 0x100) header = [tag, 0x81, len];
  else if (len < 0x10000) header = [tag, 0x82, len >> 8, len & 0xff];
  else if (len < 0x1000000) header = [tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  else throw new RangeError(`DER value too long (${len} bytes)`);
  const out = new Uint8Array(header.length + len);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** SEQUENCE of already-encoded elements. */
export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concat(items));
/** SET of already-encoded elements (callers pass them in DER order). */
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, concat(items));
/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, concat([Uint8Array.of(0), bytes]));
/** UTF8String. */
export const utf8String = (text: string): Uint8Array => tlv(0x0c, textEncoder.encode(text));
/** BOOLEAN TRUE (DER never encodes the FALSE default of a field). */
export const booleanTrue = (): Uint8Array => Uint8Array.of(0x01, 0x01, 0xff);
/** NULL. */
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);
/** Context-specific constructed tag [n] EXPLICIT around an encoded element. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** Context-specific primitive tag [n] IMPLICIT over raw content bytes. */
export const implicitPrimitive = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);

/** INTEGER from a non-negative bigint (minimal two's complement). */
export function integer(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('negative INTEGER not supported');
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  return tlv(0x02, bytes);
}

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => Number(a));
  const [a0, a1, ...rest] = arcs;
  if (a0 === undefined || a1 === undefined) throw new RangeError(`bad OID ${dotted}`);
  const bytes: number[] = [a0 * 40 + a1];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    let v = Math.floor(arc / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export function time(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, textEncoder.encode(`${p(y % 100)}${rest}`));
  return tlv(0x18, textEncoder.encode(`${String(y).padStart(4, '0')}${rest}`));
}

/** One element read from DER: its tag, where its content lies, and where it ends. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the element that starts at `offset`. */
export function readElement(der: Uint8Array, offset: number): DerElement {
  const tag = der[offset];
  let lenByte = der[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new RangeError('truncated DER');
  let pos = offset + 2;
  let len = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) {
      lenByte = der[pos++];
      if (lenByte === undefined) throw new RangeError('truncated DER length');
      len = len * 256 + lenByte;
    }
  }
  if (pos + len > der.length) throw new RangeError('DER element overruns its buffer');
  return { tag, start: offset, contentStart: pos, end: pos + len };
}

/** The raw encodings of the children of a constructed element. */
export function children(der: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const el = readElement(der, pos);
    out.push(el);
    pos = el.end;
  }
  return out;
}
