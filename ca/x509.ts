/**
 * CA certificates (roots and cross-signed roots) through `@peculiar/x509` on
 * Node's WebCrypto. Nothing of the library leaves this file: callers get PEM
 * text. Leaves do not come through here; see `leaf-cert.ts` for why.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { keyIdentifier } from './ids.ts';
import { fromPem, toPem } from './pem.ts';
import { webCryptoAlgorithm, type KeySpec } from './keys.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function caExtensions(spki: Uint8Array, issuerKeyId: Uint8Array, trustDomain: string): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    new x509.SubjectKeyIdentifierExtension(hex(keyIdentifier(spki))),
    new x509.AuthorityKeyIdentifierExtension(hex(issuerKeyId)),
    new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
  ];
}

/** A new self-signed root: its certificate and its private key (PKCS#8 PEM, to be kept inside the CA). */
export interface CreatedRoot {
  certPem: string;
  privateKeyPem: string;
}

/** Makes a key pair and a self-signed CA certificate carrying the trust domain's SPIFFE ID. */
export async function createRootCertificate(p: {
  spec: KeySpec;
  commonName: string;
  trustDomain: string;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
}): Promise<CreatedRoot> {
  const alg = webCryptoAlgorithm(p.spec);
  const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  const name = new x509.Name([{ CN: [p.commonName] }]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: p.serial.toString(16).padStart(2, '0'),
    subject: name,
    issuer: name,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: alg,
    extensions: caExtensions(spki, keyIdentifier(spki), p.trustDomain),
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: cert.toString('pem'), privateKeyPem: toPem('PRIVATE KEY', pkcs8) };
}

/**
 * Signs the new root's subject and public key with the previous root's key,
 * so that a peer which still trusts only the previous root can build
 * leaf → cross-signed → previous root for leaves the new root signs.
 */
export async function crossSignRoot(p: {
  newRootPem: string;
  signerRootPem: string;
  signerKeyPem: string;
  signerSpec: KeySpec;
  trustDomain: string;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
}): Promise<string> {
  const newRoot = new x509.X509Certificate(p.newRootPem);
  const signer = new x509.X509Certificate(p.signerRootPem);
  const alg = webCryptoAlgorithm(p.signerSpec);
  const signingKey = await subtle.importKey('pkcs8', fromPem(p.signerKeyPem), alg, false, ['sign']);
  const newSpki = new Uint8Array(newRoot.publicKey.rawData);
  const signerSpki = new Uint8Array(signer.publicKey.rawData);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: p.serial.toString(16).padStart(2, '0'),
    subject: newRoot.subjectName,
    issuer: signer.subjectName,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: newRoot.publicKey,
    signingKey,
    signingAlgorithm: alg,
    extensions: caExtensions(newSpki, keyIdentifier(signerSpki), p.trustDomain),
  });
  return cert.toString('pem');
}

