import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCertificateAuthority, InMemoryCAStateStore, type CertificateAuthority } from '../../ca/index.ts';
import { HOUR, openTestCA, opensslVerify, splitPem } from './helpers.ts';

const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';
const colon = (hex: string): string => hex.toLowerCase().match(/../g)!.join(':');
const spkiOf = (c: X509Certificate): Buffer => c.publicKey.export({ type: 'spki', format: 'der' });

const opened: CertificateAuthority[] = [];
afterEach(() => {
  for (const ca of opened.splice(0)) ca.close();
});

describe('root certificate', () => {
  it('is a self-signed CA for the trust domain, listed in Consul shape without its key', async () => {
    const { ca, clock } = await openTestCA();
    opened.push(ca);
    expect(ca.clusterId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ca.trustDomain).toBe(`${ca.clusterId}.consul`);
    const list = ca.roots();
    expect(list.TrustDomain).toBe(ca.trustDomain);
    expect(list.Roots).toHaveLength(1);
    const root = list.Roots[0]!;
    expect(Object.keys(root).sort()).toEqual(
      ['ID', 'Name', 'SerialNumber', 'SigningKeyID', 'ExternalTrustDomain', 'NotBefore', 'NotAfter', 'RootCert', 'IntermediateCerts', 'Active', 'PrivateKeyType', 'PrivateKeyBits', 'CreateIndex', 'ModifyIndex'].sort(),
    );
    expect(list.ActiveRootID).toBe(root.ID);
    expect(root.Active).toBe(true);
    expect(root.PrivateKeyType).toBe('ec');
    expect(root.PrivateKeyBits).toBe(256);
    expect(root.CreateIndex).toBe(ca.index());
    expect(JSON.stringify(list)).not.toMatch(/PRIVATE KEY/);
    expect(JSON.stringify(ca.configuration())).not.toMatch(/PRIVATE KEY/);

    const cert = new X509Certificate(root.RootCert);
    expect(root.ID).toBe(cert.fingerprint.toLowerCase());
    expect(String(BigInt(`0x${cert.serialNumber}`))).toBe(String(root.SerialNumber));
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(`URI:spiffe://${ca.trustDomain}`);
    expect(Date.parse(cert.validFrom)).toBe(clock.ms - 60_000);
    expect(Date.parse(cert.validTo)).toBe(clock.ms + 87600 * HOUR);
    expect(root.NotAfter).toBe(new Date(clock.ms + 87600 * HOUR).toISOString().replace('.000Z', 'Z'));

    const parsed = new x509.X509Certificate(root.RootCert);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(ku.usages & x509.KeyUsageFlags.cRLSign).toBeTruthy();
    expect(parsed.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(true);
    const skid = parsed.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    expect(colon(skid)).toBe(root.SigningKeyID);
    expect(skid).toBe(createHash('sha256').update(spkiOf(cert)).digest('hex'));
  });
});

describe('leaf certificate', () => {
  it('carries the SPIFFE identity, usages and validity, and chains to the root', async () => {
    const { ca, clock } = await openTestCA();
    opened.push(ca);
    const issuedAt = clock.ms;
    const { cert: leaf } = await ca.issueLeafCertificate('web');
    const rootPem = ca.roots().Roots[0]!.RootCert;
    const root = new X509Certificate(rootPem);

    expect(leaf.Service).toBe('web');
    expect(leaf.ServiceURI).toBe(`spiffe://${ca.trustDomain}/ns/default/dc/dc1/svc/web`);
    const pems = splitPem(leaf.CertPEM);
    expect(pems).toHaveLength(1);
    const cert = new X509Certificate(pems[0]!);
    expect(cert.checkIssued(root)).toBe(true);
    expect(cert.verify(root.publicKey)).toBe(true);
    expect(cert.issuer).toBe(root.subject);
    expect(cert.subject).toBe('CN=web');
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe(`URI:${leaf.ServiceURI}, DNS:web`);
    expect(cert.keyUsage).toEqual(expect.arrayContaining([EKU_SERVER, EKU_CLIENT]));
    expect(cert.keyUsage).toHaveLength(2);
    expect(Date.parse(cert.validFrom)).toBe(issuedAt - 60_000);
    expect(Date.parse(cert.validTo)).toBe(issuedAt + 72 * HOUR);
    expect(leaf.ValidAfter).toBe(new Date(issuedAt - 60_000).toISOString().replace('.000Z', 'Z'));
    expect(leaf.ValidBefore).toBe(new Date(issuedAt + 72 * HOUR).toISOString().replace('.000Z', 'Z'));
    expect(leaf.SerialNumber).toBe(colon(cert.serialNumber));

    const parsed = new x509.X509Certificate(pems[0]!);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension)!;
    expect(bc.critical).toBe(true);
    expect(bc.ca).toBe(false);
    const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension)!;
    expect(eku.usages).toEqual([EKU_SERVER, EKU_CLIENT]);
    const akid = parsed.getExtension(x509.AuthorityKeyIdentifierExtension)!;
    expect(colon(akid.keyId!)).toBe(ca.roots().Roots[0]!.SigningKeyID);
    const skid = parsed.getExtension(x509.SubjectKeyIdentifierExtension)!;
    expect(skid.keyId).toBe(createHash('sha256').update(spkiOf(cert)).digest('hex'));

    // The private key handed out is the certificate's key.
    expect(leaf.PrivateKeyPEM).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const pub = createPublicKey(createPrivateKey(leaf.PrivateKeyPEM)).export({ type: 'spki', format: 'der' });
    expect(pub.equals(spkiOf(cert))).toBe(true);

    const verified = opensslVerify({ caFile: rootPem, cert: leaf.CertPEM }, issuedAt);
    expect(verified.output).toContain('OK');
    expect(verified.ok).toBe(true);
  });

  it('is rejected by openssl against another cluster’s root', async () => {
    const a = await openTestCA();
    const b = await openTestCA();
    opened.push(a.ca, b.ca);
    const { cert } = await a.ca.issueLeafCertificate('web');
    expect(opensslVerify({ caFile: b.ca.rootsPem(), cert: cert.CertPEM }, a.clock.ms).ok).toBe(false);
    expect(opensslVerify({ caFile: a.ca.rootsPem(), cert: cert.CertPEM }, a.clock.ms).ok).toBe(true);
  });

  it('uses the configured LeafCertTTL', async () => {
    const { ca, clock } = await openTestCA({ initialConfig: { Config: { LeafCertTTL: '24h' } } });
    opened.push(ca);
    const { cert } = await ca.issueLeafCertificate('api');
    const c = new X509Certificate(cert.CertPEM);
    expect(Date.parse(c.validTo) - Date.parse(c.validFrom)).toBe(24 * HOUR + 60_000);
    expect(Date.parse(c.validTo)).toBe(clock.ms + 24 * HOUR);
  });

  it('gives every leaf a unique serial with the default random source', async () => {
    const ca = await openCertificateAuthority({ store: new InMemoryCAStateStore(), maintenanceIntervalMs: 0 });
    opened.push(ca);
    const serials = new Set<string>();
    for (let i = 0; i < 200; i++) serials.add((await ca.issueLeafCertificate(`s${i}`)).cert.SerialNumber);
    expect(serials.size).toBe(200);
  });

  it('refuses a service name that cannot be a SPIFFE path segment', async () => {
    const { ca } = await openTestCA();
    opened.push(ca);
    await expect(ca.issueLeafCertificate('bad/name')).rejects.toThrow(/service/);
    await expect(ca.issueLeafCertificate('')).rejects.toThrow(/service/);
  });
});

describe('RSA keys', () => {
  it('makes an RSA root and RSA leaves with keyEncipherment when configured', async () => {
    const { ca, clock } = await openTestCA({ initialConfig: { Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 2048 } } });
    opened.push(ca);
    const root = ca.roots().Roots[0]!;
    expect(root.PrivateKeyType).toBe('rsa');
    expect(root.PrivateKeyBits).toBe(2048);
    const rootCert = new X509Certificate(root.RootCert);
    expect(rootCert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(rootCert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const { cert: leaf } = await ca.issueLeafCertificate('db');
    const c = new X509Certificate(leaf.CertPEM);
    expect(c.publicKey.asymmetricKeyType).toBe('rsa');
    expect(c.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(c.verify(rootCert.publicKey)).toBe(true);
    expect(leaf.PrivateKeyPEM).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const ku = new x509.X509Certificate(leaf.CertPEM).getExtension(x509.KeyUsagesExtension)!;
    expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(opensslVerify({ caFile: root.RootCert, cert: leaf.CertPEM }, clock.ms).ok).toBe(true);
  });
});

describe('EC P-384', () => {
  it('makes a P-384 root signing with SHA-384 and P-384 leaves that openssl accepts', async () => {
    const { ca, clock } = await openTestCA({ initialConfig: { Config: { PrivateKeyType: 'ec', PrivateKeyBits: 384 } } });
    opened.push(ca);
    const { cert: leaf } = await ca.issueLeafCertificate('cache');
    const c = new X509Certificate(leaf.CertPEM);
    expect(c.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(new x509.X509Certificate(leaf.CertPEM).signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
    const pub = createPublicKey(createPrivateKey(leaf.PrivateKeyPEM)).export({ type: 'spki', format: 'der' });
    expect(pub.equals(spkiOf(c))).toBe(true);
    expect(opensslVerify({ caFile: ca.rootsPem(), cert: leaf.CertPEM }, clock.ms).ok).toBe(true);
  });
});
