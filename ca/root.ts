/** Making roots and cross-signing a new root with its predecessor. */
import { X509Certificate } from 'node:crypto';
import { leafTtlMs, rootTtlMs, type CAConfiguration } from './config.ts';
import { certificateId, colonHex, keyIdentifier } from './ids.ts';
import type { KeySpec } from './keys.ts';
import type { PersistedRoot } from './state.ts';
import { fromPem } from './pem.ts';
import { createRootCertificate, crossSignRoot } from './x509.ts';

/** Clock skew allowance: certificates start one minute before they are made. */
export const BACKDATE_MS = 60_000;
/** The Name every root is listed under. */
export const ROOT_NAME = 'Switchboard CA Primary Cert';

/** RFC 3339 at second precision, as Consul prints certificate times. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Drops milliseconds: certificate times have second precision. */
export const floorToSecond = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

/** The key spec a configuration asks for. */
export const keySpecOf = (c: CAConfiguration): KeySpec => ({ type: c.Config.PrivateKeyType, bits: c.Config.PrivateKeyBits });

/** Makes a new self-signed root for the configuration (pending indexes, active-root bookkeeping left to the caller). */
export async function makeRoot(p: {
  config: CAConfiguration;
  clusterId: string;
  trustDomain: string;
  serial: bigint;
  now: Date;
}): Promise<PersistedRoot> {
  // Roots list their serial as a JSON number: keep it within 53 bits.
  const serial = BigInt.asUintN(53, p.serial) || 1n;
  const start = floorToSecond(p.now);
  const notBefore = new Date(start.getTime() - BACKDATE_MS);
  const notAfter = new Date(start.getTime() + rootTtlMs(p.config));
  const spec = keySpecOf(p.config);
  const created = await createRootCertificate({
    spec,
    commonName: `pri-${serial.toString(16)}.ca.${p.clusterId.slice(0, 8)}.consul`,
    trustDomain: p.trustDomain,
    serial,
    notBefore,
    notAfter,
  });
  const der = fromPem(created.certPem);
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return {
    id: certificateId(der),
    name: ROOT_NAME,
    serial: serial.toString(),
    signingKeyId: colonHex(keyIdentifier(spki)),
    notBefore: rfc3339(notBefore),
    notAfter: rfc3339(notAfter),
    certPem: created.certPem,
    intermediates: [],
    keyType: spec.type,
    keyBits: spec.bits,
    privateKeyPem: created.privateKeyPem,
    createIndex: 0,
    modifyIndex: 0,
    maxLeafTtlMs: leafTtlMs(p.config),
  };
}

/** The new root's certificate signed by the old root's key (see x509.ts crossSignRoot). */
export async function crossSign(p: {
  newRoot: PersistedRoot;
  oldRoot: PersistedRoot;
  trustDomain: string;
  serial: bigint;
  now: Date;
}): Promise<string> {
  const start = floorToSecond(p.now);
  const notAfter = Math.min(Date.parse(p.oldRoot.notAfter), Date.parse(p.newRoot.notAfter));
  return crossSignRoot({
    newRootPem: p.newRoot.certPem,
    signerRootPem: p.oldRoot.certPem,
    signerKeyPem: p.oldRoot.privateKeyPem,
    signerSpec: { type: p.oldRoot.keyType, bits: p.oldRoot.keyBits },
    trustDomain: p.trustDomain,
    serial: p.serial,
    notBefore: new Date(start.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
  });
}
