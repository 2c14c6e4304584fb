/**
 * The control plane's own TLS server certificate (HTTPS API, xDS gRPC),
 * signed by the built-in CA's active root. Unlike a service leaf it carries
 * no SPIFFE ID but DNS and IP subject alternative names, so that a client
 * dialling `localhost`, `server.<dc>.consul` or 127.0.0.1 can verify it.
 *
 * The authority keeps its root keys private; this reads them from the CA's
 * own state record (the same record the authority loads), so nothing in the
 * authority had to change and no key leaves ca/.
 */
import { isIP } from 'node:net';
import { sign } from 'node:crypto';
import * as der from './der.ts';
import { keyIdentifier, randomSerialSource } from './ids.ts';
import { generateLeafKey } from './keys.ts';
import { createLeafSigner } from './leaf-cert.ts';
import { toPem } from './pem.ts';
import { BACKDATE_MS, floorToSecond } from './root.ts';
import { activeRoot, parseState } from './state.ts';
import type { CAStateStore } from './store.ts';

/** Who the server certificate names. */
export interface ServerCertificateRequest {
  /** DNS SANs, e.g. `localhost`, `server.dc1.consul`. */
  dnsNames: readonly string[];
  /** IP SANs (v4 or v6 text), e.g. `127.0.0.1`. */
  ipAddresses: readonly string[];
  /** Subject common name; the first DNS name by default. */
  commonName?: string;
  /** Lifetime in ms (capped by the root's own expiry); 1 year by default. */
  ttlMs?: number;
  now?: () => Date;
}

/** A server certificate, its key and the roots a client should trust. */
export interface ServerCertificate {
  /** The certificate followed by any cross-signed intermediate. */
  certPem: string;
  /** The certificate's private key (PEM). */
  keyPem: string;
  /** Every trusted root of the CA, concatenated PEM. */
  caPem: string;
  validBefore: Date;
}

const OID_SKID = der.oid('2.5.29.14');
const OID_SAN = der.oid('2.5.29.17');
const OID_CN = der.oid('2.5.4.3');
const VERSION_V3 = der.explicit(0, der.integer(2n));
const DEFAULT_TTL_MS = 365 * 24 * 3600_000;

function ipBytes(ip: string): Uint8Array {
  const v = isIP(ip);
  if (v === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (v !== 6) throw new Error(`ipAddresses: ${JSON.stringify(ip)} is not an IP address`);
  // Expand "::" then write eight 16-bit groups (an embedded IPv4 tail is rare enough to refuse).
  if (ip.includes('.')) throw new Error(`ipAddresses: ${JSON.stringify(ip)}: IPv4-in-IPv6 notation is not supported`);
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

/** Issues a server certificate from the CA whose state lives in `store`; throws when the CA is not initialised. */
export async function issueServerCertificate(store: CAStateStore, req: ServerCertificateRequest): Promise<ServerCertificate> {
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) throw new Error('dnsNames/ipAddresses: a server certificate needs at least one name');
  const record = await store.get();
  if (!record) throw new Error('the CA has no state yet: open the certificate authority first');
  const state = parseState(record.value, record.modifyIndex);
  const root = activeRoot(state);
  const spec = { type: root.keyType, bits: root.keyBits };
  const signer = createLeafSigner(root.certPem, root.privateKeyPem, spec);
  const key = await generateLeafKey(spec);
  const start = floorToSecond((req.now ?? (() => new Date()))());
  const notBefore = new Date(start.getTime() - BACKDATE_MS);
  const notAfter = new Date(Math.min(start.getTime() + (req.ttlMs ?? DEFAULT_TTL_MS), signer.notAfter.getTime()));
  const enc = new TextEncoder();
  const san = der.sequence(
    ...req.dnsNames.map((n) => der.implicitPrimitive(2, enc.encode(n))),
    ...req.ipAddresses.map((ip) => der.implicitPrimitive(7, ipBytes(ip))),
  );
  const extensions = der.concat([
    signer.fixedExtensions[spec.type],
    der.sequence(OID_SKID, der.octetString(der.octetString(keyIdentifier(key.spki)))),
    der.sequence(OID_SAN, der.octetString(san)),
  ]);
  const cn = req.commonName ?? req.dnsNames[0] ?? req.ipAddresses[0] ?? 'switchboard';
  const tbs = der.sequence(
    VERSION_V3,
    der.integer(randomSerialSource()),
    signer.algorithm.algorithmIdentifier,
    signer.issuerName,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    der.sequence(der.set(der.sequence(OID_CN, der.utf8String(cn)))),
    key.spki,
    der.explicit(3, der.tlv(0x30, extensions)),
  );
  const signature = sign(signer.algorithm.digest, tbs, signer.key);
  const certDer = der.sequence(tbs, signer.algorithm.algorithmIdentifier, der.bitString(signature));
  const certPem = [toPem('CERTIFICATE', certDer), ...root.intermediates.map((i) => i.pem.trimEnd() + '\n')].join('');
  const caPem = state.roots.map((r) => r.certPem.trimEnd() + '\n').join('');
  return { certPem, keyPem: key.privateKeyPem, caPem, validBefore: notAfter };
}
