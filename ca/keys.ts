/**
 * Key pairs and signature algorithms, on Node's own crypto. Leaf keys are made
 * here with `generateKeyPair*` (native, and for EC far faster than WebCrypto
 * round trips); CA keys are kept as PKCS#8 PEM and loaded once per root.
 */
import { createPrivateKey, generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { oid, nullValue, sequence } from './der.ts';
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

/** Makes a leaf key pair; RSA runs on the thread pool so the event loop keeps serving. */
export async function generateLeafKey(spec: KeySpec): Promise<GeneratedKey> {
  if (spec.type === 'ec') {
    // Asking for encoded output skips building KeyObjects (measurably cheaper per leaf).
    const { publicKey, privateKey } = generateKeyPairSync('ec', {
      namedCurve: curveOf(spec.bits),
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'sec1', format: 'pem' },
    });
    return { spki: publicKey, privateKeyPem: privateKey };
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
