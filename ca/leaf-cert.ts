/**
 * Leaf certificates, encoded directly in DER and signed with Node's native
 * `crypto.sign`.
 *
 * Why not `@peculiar/x509` here as for roots: measured on this 2-core machine,
 * `X509CertificateGenerator.create` costs ~2.2 ms per certificate even with
 * every extension prebuilt and a synchronous signer (its ASN.1 layer
 * serialises and re-parses each part), i.e. ~220 leaves/s, against a target of
 * 2,000/s. A leaf has one fixed shape, so everything that depends only on the
 * signing root (issuer name, AKID, algorithm, the constant extensions) is
 * encoded once per root, and a leaf costs one key generation, a few small
 * encodings and one signature. Tests check the result with Node's X.509
 * parser, @peculiar/x509's parser and the `openssl` binary.
 */
import { sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as der from './der.ts';
import { keyIdentifier } from './ids.ts';
import { loadPrivateKey, signatureAlgorithmFor, type KeySpec, type SignatureAlgorithm } from './keys.ts';
import { fromPem } from './pem.ts';
import type { PrivateKeyType } from './config.ts';

const OID = {
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// Encoded once: these never vary between leaves.
const OID_DER = {
  commonName: der.oid(OID.commonName),
  subjectKeyId: der.oid(OID.subjectKeyId),
  subjectAltName: der.oid(OID.subjectAltName),
};
const VERSION_V3 = der.explicit(0, der.integer(2n));
const textEncoder = new TextEncoder();

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? der.sequence(der.oid(id), der.booleanTrue(), der.octetString(value))
    : der.sequence(der.oid(id), der.octetString(value));
}

// KeyUsage bits (RFC 5280 4.2.1.3), first octet: digitalSignature=0x80,
// keyEncipherment=0x20, keyAgreement=0x08. The leading byte of a BIT STRING
// counts the unused trailing bits.
const KEY_USAGE: Record<PrivateKeyType, Uint8Array> = {
  ec: Uint8Array.of(0x03, 0x02, 0x03, 0x88), // digitalSignature | keyAgreement
  rsa: Uint8Array.of(0x03, 0x02, 0x05, 0xa0), // digitalSignature | keyEncipherment
};

/** Everything a leaf needs from its signing root, prepared once per root. */
export interface LeafSigner {
  readonly key: KeyObject;
  readonly algorithm: SignatureAlgorithm;
  /** The root's subject Name, byte for byte, used as the leaf's issuer. */
  readonly issuerName: Uint8Array;
  /** The root's own notAfter; no leaf outlives its issuer. */
  readonly notAfter: Date;
  readonly fixedExtensions: Record<PrivateKeyType, Uint8Array>;
}

/** Prepares signing with a root (PEM certificate, PKCS#8 key). */
export function createLeafSigner(rootCertPem: string, rootKeyPem: string, spec: KeySpec): LeafSigner {
  const rootDer = fromPem(rootCertPem);
  const cert = der.readElement(rootDer, 0);
  const [tbs] = der.children(rootDer, cert);
  if (!tbs) throw new Error('root certificate has no TBSCertificate');
  const fields = der.children(rootDer, tbs);
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, spki, ...
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  const spki = fields[offset + 5];
  if (!subject || !spki) throw new Error('root certificate is missing its subject or public key');
  const issuerName = rootDer.subarray(subject.start, subject.end);
  const akid = keyIdentifier(rootDer.subarray(spki.start, spki.end));
  const common = [
    extension(OID.basicConstraints, true, der.sequence()),
    extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth), der.oid(OID.clientAuth))),
    extension(OID.authorityKeyId, false, der.sequence(der.implicitPrimitive(0, akid))),
  ];
  const fixed = (t: PrivateKeyType): Uint8Array => der.concat([common[0]!, extension(OID.keyUsage, true, KEY_USAGE[t]), ...common.slice(1)]);
  return {
    key: loadPrivateKey(rootKeyPem),
    algorithm: signatureAlgorithmFor(spec),
    issuerName,
    notAfter: new Date(new X509Certificate(rootDer).validTo),
    fixedExtensions: { ec: fixed('ec'), rsa: fixed('rsa') },
  };
}

/** What goes into one leaf. */
export interface LeafTemplate {
  serial: bigint;
  commonName: string;
  uri: string;
  dnsName: string;
  /** The leaf's SubjectPublicKeyInfo (DER). */
  spki: Uint8Array;
  keyType: PrivateKeyType;
  notBefore: Date;
  notAfter: Date;
}

/** Encodes and signs a leaf certificate; returns its DER. */
export function buildLeafCertificate(signer: LeafSigner, t: LeafTemplate): Buffer {
  const san = der.sequence(
    der.implicitPrimitive(6, textEncoder.encode(t.uri)),
    der.implicitPrimitive(2, textEncoder.encode(t.dnsName)),
  );
  const extensions = der.concat([
    signer.fixedExtensions[t.keyType],
    der.sequence(OID_DER.subjectKeyId, der.octetString(der.octetString(keyIdentifier(t.spki)))),
    der.sequence(OID_DER.subjectAltName, der.octetString(san)),
  ]);
  const tbs = der.sequence(
    VERSION_V3,
    der.integer(t.serial),
    signer.algorithm.algorithmIdentifier,
    signer.issuerName,
    der.sequence(der.time(t.notBefore), der.time(t.notAfter)),
    der.sequence(der.set(der.sequence(OID_DER.commonName, der.utf8String(t.commonName)))),
    t.spki,
    der.explicit(3, der.tlv(0x30, extensions)),
  );
  const signature = sign(signer.algorithm.digest, tbs, signer.key);
  return Buffer.from(der.sequence(tbs, signer.algorithm.algorithmIdentifier, der.bitString(signature)));
}
