import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CAConfigError,
  InMemoryCAStateStore,
  openCertificateAuthority,
  counterSerialSource,
  validateCAConfiguration,
  type CertificateAuthority,
  type CAStateStore,
} from '../../ca/index.ts';
import { HOUR, ManualClock, openTestCA, opensslVerify, splitPem } from './helpers.ts';

const opened: CertificateAuthority[] = [];
afterEach(() => {
  for (const ca of opened.splice(0)) ca.close();
});
async function open(opts: Parameters<typeof openTestCA>[0] = {}) {
  const r = await openTestCA(opts);
  opened.push(r.ca);
  return r;
}

describe('persistence', () => {
  it('a new CA over the same store keeps the cluster id and root', async () => {
    const { ca, store } = await open();
    const before = ca.roots();
    const again = await open({ store });
    expect(again.ca.clusterId).toBe(ca.clusterId);
    expect(again.ca.roots()).toEqual(before);
    expect(again.ca.configuration()).toEqual(ca.configuration());
    // The reopened CA signs with the same key: its leaves verify against the original root.
    const { cert } = await again.ca.issueLeafCertificate('web');
    expect(new X509Certificate(cert.CertPEM).verify(new X509Certificate(before.Roots[0]!.RootCert).publicKey)).toBe(true);
  });

  it('the stored record holds the root key; the API views never do', async () => {
    const { ca, store } = await open();
    const rec = await store.get();
    expect(rec?.value).toContain('PRIVATE KEY');
    expect(JSON.stringify(ca.roots())).not.toContain('PRIVATE KEY');
  });

  it('two CAs initialising one empty store concurrently end with one root', async () => {
    const store = new InMemoryCAStateStore();
    const clock = new ManualClock();
    const mk = () =>
      openCertificateAuthority({ store, now: clock.now, serials: counterSerialSource(), maintenanceIntervalMs: 0 });
    const [a, b] = await Promise.all([mk(), mk()]);
    opened.push(a, b);
    expect(a.roots().Roots).toHaveLength(1);
    expect(a.roots()).toEqual(b.roots());
    expect(a.clusterId).toBe(b.clusterId);
    const stored = JSON.parse((await store.get())!.value) as { roots: unknown[] };
    expect(stored.roots).toHaveLength(1);
  });

  it('a CA sees a rotation written by another CA on the same store', async () => {
    const { ca: a, store } = await open();
    const { ca: b } = await open({ store });
    const events: boolean[] = [];
    b.subscribe((e) => events.push(e.activeRootChanged));
    await a.rotate();
    await new Promise((r) => setTimeout(r, 10));
    expect(b.activeRootId()).toBe(a.activeRootId());
    expect(b.index()).toBe(a.index());
    expect(events).toContain(true);
  });

  it('concurrent rotations on two CAs both land, one after the other', async () => {
    const { ca: a, store } = await open();
    const { ca: b } = await open({ store });
    await Promise.all([a.rotate(), b.rotate()]);
    await new Promise((r) => setTimeout(r, 10));
    expect(a.roots().Roots).toHaveLength(3);
    expect(a.roots()).toEqual(b.roots());
  });
});

describe('configuration', () => {
  it('rejects bad settings naming the field', () => {
    const bad = (input: unknown): string[] => {
      const r = validateCAConfiguration(input);
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(bad({ Config: { PrivateKeyType: 'dsa' } })).toEqual(['Config.PrivateKeyType']);
    expect(bad({ Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 256 } })).toEqual(['Config.PrivateKeyBits']);
    expect(bad({ Config: { PrivateKeyType: 'ec', PrivateKeyBits: 2048 } })).toEqual(['Config.PrivateKeyBits']);
    expect(bad({ Config: { LeafCertTTL: '10m' } })).toEqual(['Config.LeafCertTTL']);
    expect(bad({ Config: { LeafCertTTL: 'soon' } })).toEqual(['Config.LeafCertTTL']);
    expect(bad({ Config: { LeafCertTTL: '9000h' } })).toEqual(['Config.LeafCertTTL']);
    expect(bad({ Config: { RootCertTTL: '48h', LeafCertTTL: '72h' } })).toEqual(['Config.RootCertTTL']);
    expect(bad({ Provider: 'vault' })).toEqual(['Provider']);
    expect(bad({ Config: { RootCert: 'x' } })).toEqual(['Config.RootCert']);
    expect(bad([])).toEqual(['body']);
    expect(bad({ Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 4096, LeafCertTTL: '1h30m' } })).toEqual([]);
  });

  it('setConfiguration throws CAConfigError and leaves the state alone', async () => {
    const { ca } = await open();
    const index = ca.index();
    await expect(ca.setConfiguration({ Config: { PrivateKeyBits: 1000 } })).rejects.toBeInstanceOf(CAConfigError);
    expect(ca.index()).toBe(index);
  });

  it('a TTL change keeps the root; a key change rotates', async () => {
    const { ca } = await open();
    const first = ca.activeRootId();
    await ca.setConfiguration({ Provider: 'consul', Config: { LeafCertTTL: '24h' } });
    expect(ca.activeRootId()).toBe(first);
    expect(ca.configuration().Config.LeafCertTTL).toBe('24h');
    expect(ca.leafTtlMs()).toBe(24 * HOUR);
    await ca.setConfiguration({ Provider: 'consul', Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 2048, LeafCertTTL: '24h' } });
    expect(ca.activeRootId()).not.toBe(first);
    const roots = ca.roots().Roots;
    expect(roots.map((r) => [r.PrivateKeyType, r.Active])).toEqual([
      ['ec', false],
      ['rsa', true],
    ]);
    expect(ca.configuration().ModifyIndex).toBe(ca.index());
  });
});

describe('rotation', () => {
  it('cross-signs the new root so old-root trusters accept new leaves', async () => {
    const { ca, clock } = await open();
    const oldRootPem = ca.rootsPem();
    const { cert: oldLeaf } = await ca.issueLeafCertificate('web');
    clock.advance(HOUR);
    await ca.rotate();
    const list = ca.roots();
    expect(list.Roots).toHaveLength(2);
    const [oldRoot, newRoot] = list.Roots;
    expect(oldRoot!.Active).toBe(false);
    expect(newRoot!.Active).toBe(true);
    expect(list.ActiveRootID).toBe(newRoot!.ID);
    expect(newRoot!.IntermediateCerts).toHaveLength(1);
    const cross = newRoot!.IntermediateCerts[0]!;
    const crossCert = new X509Certificate(cross);
    const newRootCert = new X509Certificate(newRoot!.RootCert);
    const oldRootCert = new X509Certificate(oldRoot!.RootCert);
    expect(crossCert.subject).toBe(newRootCert.subject);
    expect(crossCert.issuer).toBe(oldRootCert.subject);
    expect(crossCert.publicKey.equals(newRootCert.publicKey)).toBe(true);
    expect(crossCert.verify(oldRootCert.publicKey)).toBe(true);
    expect(crossCert.ca).toBe(true);

    const { cert: newLeaf } = await ca.issueLeafCertificate('api');
    const [leafPem, chained] = splitPem(newLeaf.CertPEM);
    expect(chained).toBe(cross.trimEnd() + '\n');
    const at = clock.ms;
    // New-root trusters: directly.
    expect(opensslVerify({ caFile: newRoot!.RootCert, cert: leafPem! }, at).ok).toBe(true);
    // Old-root trusters: through the cross-signed certificate, and not without it.
    expect(opensslVerify({ caFile: oldRootPem, untrusted: cross, cert: leafPem! }, at).ok).toBe(true);
    expect(opensslVerify({ caFile: oldRootPem, cert: leafPem! }, at).ok).toBe(false);
    // Leaves of the old root remain valid for holders of the full roots list.
    expect(opensslVerify({ caFile: ca.rootsPem(), cert: oldLeaf.CertPEM }, at).ok).toBe(true);
  });

  it('cross-signs across key types (EC root to RSA root)', async () => {
    const { ca, clock } = await open();
    const oldRootPem = ca.rootsPem();
    await ca.setConfiguration({ Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 2048 } });
    const { cert } = await ca.issueLeafCertificate('web');
    const [leafPem, cross] = splitPem(cert.CertPEM);
    expect(new X509Certificate(leafPem!).publicKey.asymmetricKeyType).toBe('rsa');
    expect(opensslVerify({ caFile: oldRootPem, untrusted: cross!, cert: leafPem! }, clock.ms).ok).toBe(true);
  });

  it('without cross-signing the new root has no intermediate', async () => {
    const { ca } = await open();
    await ca.rotate({ forceWithoutCrossSigning: true });
    expect(ca.roots().Roots[1]!.IntermediateCerts).toEqual([]);
    expect(splitPem((await ca.issueLeafCertificate('web')).cert.CertPEM)).toHaveLength(1);
  });

  it('prunes the old root only after its longest leaf lifetime', async () => {
    const { ca, clock } = await open();
    const oldId = ca.activeRootId();
    await ca.setConfiguration({ Config: { LeafCertTTL: '96h' } }); // the old root has now signed 96h leaves
    await ca.setConfiguration({ Config: { LeafCertTTL: '24h' } });
    clock.advance(HOUR);
    await ca.rotate();
    const rotatedAt = clock.ms;
    clock.ms = rotatedAt + 96 * HOUR - 1000;
    expect(await ca.pruneExpiredRoots()).toBe(false);
    expect(ca.roots().Roots.map((r) => r.ID)).toContain(oldId);
    clock.ms = rotatedAt + 96 * HOUR;
    const index = ca.index();
    expect(await ca.pruneExpiredRoots()).toBe(true);
    expect(ca.index()).toBeGreaterThan(index);
    const roots = ca.roots().Roots;
    expect(roots.map((r) => r.ID)).not.toContain(oldId);
    expect(roots).toHaveLength(1);
    // The cross-signed certificate went with its signer.
    expect(roots[0]!.IntermediateCerts).toEqual([]);
    expect(splitPem((await ca.issueLeafCertificate('web')).cert.CertPEM)).toHaveLength(1);
  });

  it('keeps the same trust domain and bumps the index', async () => {
    const { ca } = await open();
    const td = ca.trustDomain;
    const index = ca.index();
    await ca.rotate();
    expect(ca.trustDomain).toBe(td);
    expect(ca.index()).toBeGreaterThan(index);
    const active = ca.roots().Roots.find((r) => r.Active)!;
    expect(active.CreateIndex).toBe(ca.index());
    expect(new X509Certificate(active.RootCert).subjectAltName).toBe(`URI:spiffe://${td}`);
  });
});

describe('a store with a high global index', () => {
  it('reports the store’s modify index', async () => {
    const store: CAStateStore = new InMemoryCAStateStore(500);
    const { ca } = await open({ store });
    expect(ca.index()).toBe(501);
    expect(ca.roots().Roots[0]!.CreateIndex).toBe(501);
  });
});
