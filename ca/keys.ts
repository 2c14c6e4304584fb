/**
 * Key pairs and signature algorithms, on Node's own crypto. Leaf keys are made
 * here with `generateKeyPair*` (native, and for EC far faster than WebCrypto
 * round trips); CA keys are kept as PKCS#8 PEM and loaded once per root.
 */
import { createECDH, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { toPem } from './pem.ts';
import { bitString, explicit, integer, nullValue, octetString, oid, sequence } from './der.ts';
import type { PrivateKeyType } from './config.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The kind and size of a key. */
export interface KeySpec {
  type: PrivateKeyType;
  bits: number;
}

/** A fresh key pair as the certificate builder needs it. */
export interface GeneratedKey {
  /** SubjectPublicKeyInfo, DER. */
  spki: Buffer;
  /** The private key as Consul hands it out: SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"). */
  privateKeyPem: string;
}

const curveOf = (bits: number): string => (bits === 384 ? 'P-384' : 'P-256');

interface Curve {
  openSslName: string;
  oid: Uint8Array;
  /** Private scalar length in bytes. */
  size: number;
}
const EC_PUBLIC_KEY_OID = oid('1.2.840.10045.2.1');
const CURVES: Record<number, Curve> = {
  256: { openSslName: 'prime256v1', oid: oid('1.2.840.10045.3.1.7'), size: 32 },
  384: { openSslName: 'secp384r1', oid: oid('1.3.132.0.34'), size: 48 },
};

/**
 * An EC key pair from OpenSSL's raw EC key generation, with SPKI and SEC1
 * written here. Measured: letting OpenSSL 3 encode the keys
 * (`generateKeyPairSync` with encodings, or KeyObject.export) costs ~200 µs
 * per key through its encoder framework, four times the key generation itself.
 */
function generateEcKey(bits: number): GeneratedKey {
  const curve = CURVES[bits];
  if (!curve) throw new Error(`unsupported EC key size ${bits}`);
  const ecdh = createECDH(curve.openSslName);
  const point = ecdh.generateKeys(); // uncompressed point: 04 || X || Y
  const scalar = ecdh.getPrivateKey();
  const padded = Buffer.alloc(curve.size);
  scalar.copy(padded, curve.size - scalar.length);
  const spki = sequence(sequence(EC_PUBLIC_KEY_OID, curve.oid), bitString(point));
  // RFC 5915 ECPrivateKey: version 1, the scalar, [0] curve, [1] public key.
  const sec1 = sequence(integer(1n), octetString(padded), explicit(0, curve.oid), explicit(1, bitString(point)));
  return { spki: Buffer.from(spki), privateKeyPem: toPem('EC PRIVATE KEY', sec1) };
}


/** Makes a leaf key pair; RSA runs on the thread pool so the event loop keeps serving. */
export async function generateLeafKey(spec: KeySpec): Promise<GeneratedKey> {
  if (spec.type === 'ec') {
    return generateEcKey(spec.bits);
  }
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: spec.bits });
  return {
    spki: publicKey.export({ format: 'der', type: 'spki' }),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  };
}

/** How a CA key signs: Node's digest name and the AlgorithmIdentifier DER written into certificates. */
export interface SignatureAlgorithm {
  digest: 'sha256' | 'sha384';
  algorithmIdentifier: Uint8Array;
}

/** The signature algorithm a CA key of this spec uses (ECDSA with SHA-256/384, or RSA PKCS#1 v1.5 with SHA-256). */
export function signatureAlgorithmFor(spec: KeySpec): SignatureAlgorithm {
  if (spec.type === 'ec') {
    return spec.bits === 384
      ? { digest: 'sha384', algorithmIdentifier: sequence(oid('1.2.840.10045.4.3.3')) }
      : { digest: 'sha256', algorithmIdentifier: sequence(oid('1.2.840.10045.4.3.2')) };
  }
  return { digest: 'sha256', algorithmIdentifier: sequence(oid('1.2.840.113549.1.1.11'), nullValue()) };
}

/** WebCrypto parameters for making and using a CA key of this spec. */
export function webCryptoAlgorithm(spec: KeySpec): RsaHashedKeyGenParams | (EcKeyGenParams & EcdsaParams) {
  if (spec.type === 'ec') {
    const curve = curveOf(spec.bits);
    return { name: 'ECDSA', namedCurve: curve, hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' };
  }
  return { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
}

/** Loads a PKCS#8 PEM private key into a native key object. */
export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}
