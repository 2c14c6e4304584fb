/** Identifier formats the Consul API uses for certificates, serials and key ids. */
import { createHash, randomBytes } from 'node:crypto';

/** Lower-case hex bytes joined by colons ("c7:bd:55"), as Consul writes fingerprints and key ids. */
export function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A serial number as Consul prints a leaf's: colon-separated hex bytes ("08", "01:a3"). */
export function serialToColonHex(serial: bigint): string {
  let hex = serial.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return colonHex(Buffer.from(hex, 'hex'));
}

/** A root's ID: the SHA-1 fingerprint of its DER, colon-hex. */
export const certificateId = (der: Uint8Array): string => colonHex(createHash('sha1').update(der).digest());

/** A key identifier (SKID/AKID): SHA-256 over the SubjectPublicKeyInfo. */
export const keyIdentifier = (spki: Uint8Array): Buffer => createHash('sha256').update(spki).digest();

/** Source of certificate serial numbers: positive, unique per CA. */
export type SerialSource = () => bigint;

/** 63 random bits (never zero): unique enough that no persisted counter must be written per leaf. */
export const randomSerialSource: SerialSource = () => {
  const v = randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return v === 0n ? 1n : v;
};

/** A counter serial source for deterministic tests. */
export function counterSerialSource(start = 1n): SerialSource {
  let next = start;
  return () => next++;
}
