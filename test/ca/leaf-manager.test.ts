import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LeafManager, type CertificateAuthority, type LeafUpdate } from '../../ca/index.ts';
import { HOUR, openTestCA, type ManualClock } from './helpers.ts';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function setup(random = 0.5): Promise<{ ca: CertificateAuthority; clock: ManualClock; leaves: LeafManager; updates: LeafUpdate[] }> {
  const { ca, clock } = await openTestCA();
  const leaves = new LeafManager({ ca, now: clock.now, random: () => random, checkIntervalMs: 0 });
  const updates: LeafUpdate[] = [];
  leaves.subscribe((u) => updates.push(u));
  closers.push(() => leaves.close(), () => ca.close());
  return { ca, clock, leaves, updates };
}

describe('LeafManager', () => {
  it('caches one leaf per service', async () => {
    const { leaves, updates } = await setup();
    const a = await leaves.get('web');
    const b = await leaves.get('web');
    expect(b).toBe(a);
    const c = await leaves.get('api');
    expect(c.SerialNumber).not.toBe(a.SerialNumber);
    expect(updates.map((u) => [u.service, u.reason])).toEqual([
      ['web', 'issued'],
      ['api', 'issued'],
    ]);
    expect(leaves.index('web')).toBe(a.ModifyIndex);
    expect(c.ModifyIndex).toBeGreaterThan(a.ModifyIndex);
  });

  it('concurrent requests for one service share one issuance', async () => {
    const { leaves, updates } = await setup();
    const [a, b] = await Promise.all([leaves.get('web'), leaves.get('web')]);
    expect(a).toBe(b);
    expect(updates).toHaveLength(1);
  });

  it('renews at half the lifetime (with the jitter source at its midpoint)', async () => {
    const { clock, leaves, updates } = await setup(0.5);
    const first = await leaves.get('web');
    clock.advance(36 * HOUR - 1000);
    expect(await leaves.checkRenewals()).toBe(0);
    expect(await leaves.get('web')).toBe(first);
    clock.advance(1000);
    expect(await leaves.checkRenewals()).toBe(1);
    const second = await leaves.get('web');
    expect(second.SerialNumber).not.toBe(first.SerialNumber);
    expect(second.ModifyIndex).toBeGreaterThan(first.ModifyIndex);
    expect(Date.parse(new X509Certificate(second.CertPEM).validFrom)).toBe(clock.ms - 60_000);
    expect(updates.at(-1)).toMatchObject({ service: 'web', reason: 'renewed' });
  });

  it('jitter moves the renewal within ±5% of the lifetime', async () => {
    const early = await setup(0);
    await early.leaves.get('web');
    early.clock.advance(72 * HOUR * 0.45 - 1000);
    expect(await early.leaves.checkRenewals()).toBe(0);
    early.clock.advance(1000);
    expect(await early.leaves.checkRenewals()).toBe(1);

    const late = await setup(0.999);
    await late.leaves.get('web');
    late.clock.advance(72 * HOUR * 0.5);
    expect(await late.leaves.checkRenewals()).toBe(0);
    late.clock.advance(72 * HOUR * 0.05);
    expect(await late.leaves.checkRenewals()).toBe(1);
  });

  it('get() renews on demand when the renewal time has passed', async () => {
    const { clock, leaves } = await setup();
    const first = await leaves.get('web');
    clock.advance(40 * HOUR);
    const second = await leaves.get('web');
    expect(second.SerialNumber).not.toBe(first.SerialNumber);
  });

  it('reissues every cached leaf when the active root changes', async () => {
    const { ca, leaves, updates } = await setup();
    const names = ['a', 'b', 'c', 'd', 'e'];
    const before = await Promise.all(names.map((n) => leaves.get(n)));
    updates.length = 0;
    await ca.rotate();
    await leaves.settled();
    expect(updates.map((u) => u.service).sort()).toEqual(names);
    expect(updates.every((u) => u.reason === 'root-rotated')).toBe(true);
    const newRoot = new X509Certificate(ca.roots().Roots.find((r) => r.Active)!.RootCert);
    for (const [i, n] of names.entries()) {
      const now = await leaves.get(n);
      expect(now.SerialNumber).not.toBe(before[i]!.SerialNumber);
      expect(new X509Certificate(now.CertPEM).verify(newRoot.publicKey)).toBe(true);
    }
  });

  it('reissues every leaf with a batch size smaller than the cache', async () => {
    const { ca, clock } = await openTestCA();
    const leaves = new LeafManager({ ca, now: clock.now, checkIntervalMs: 0, batchSize: 3 });
    closers.push(() => leaves.close(), () => ca.close());
    for (let i = 0; i < 10; i++) await leaves.get(`s${i}`);
    await ca.rotate();
    await leaves.settled();
    expect(leaves.services().every((s) => leaves.current(s) !== undefined)).toBe(true);
    const active = new X509Certificate(ca.roots().Roots.find((r) => r.Active)!.RootCert);
    for (const s of leaves.services()) expect(new X509Certificate(leaves.current(s)!.CertPEM).verify(active.publicKey)).toBe(true);
  });

  it('forget() stops renewals for a service', async () => {
    const { clock, leaves } = await setup();
    await leaves.get('web');
    leaves.forget('web');
    clock.advance(40 * HOUR);
    expect(await leaves.checkRenewals()).toBe(0);
    expect(leaves.current('web')).toBeUndefined();
  });
});
