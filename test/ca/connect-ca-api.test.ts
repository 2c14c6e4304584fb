import Fastify, { type FastifyInstance } from 'fastify';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCaRoutes } from '../../api/connect-ca.ts';
import { ApiError } from '../../api/errors.ts';
import { LeafManager, type CertificateAuthority } from '../../ca/index.ts';
import { HOUR, openTestCA, type ManualClock } from './helpers.ts';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function build(): Promise<{ app: FastifyInstance; ca: CertificateAuthority; leaves: LeafManager; clock: ManualClock }> {
  const { ca, clock } = await openTestCA();
  const leaves = new LeafManager({ ca, now: clock.now, checkIntervalMs: 0, random: () => 0.5 });
  const app = Fastify();
  // The same mapping api/app.ts installs: ApiError → its status with a plain-text message.
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).type('text/plain').send(err.message);
    return reply.code((err as { statusCode?: number }).statusCode ?? 500).type('text/plain').send((err as Error).message);
  });
  await app.register(connectCaRoutes, { ca, leaves });
  await app.ready();
  closers.push(() => ca.close(), () => leaves.close(), () => app.close());
  return { app, ca, leaves, clock };
}

describe('GET /v1/connect/ca/roots', () => {
  it('returns the roots list with X-Consul-Index, and PEM with ?pem=true', async () => {
    const { app, ca } = await build();
    const res = await app.inject({ method: 'GET', url: '/v1/connect/ca/roots' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-consul-index']).toBe(String(ca.index()));
    const body = res.json();
    expect(body.TrustDomain).toBe(ca.trustDomain);
    expect(body.ActiveRootID).toBe(ca.activeRootId());
    expect(body.Roots[0].RootCert).toContain('BEGIN CERTIFICATE');
    expect(res.body).not.toContain('PRIVATE KEY');

    const pem = await app.inject({ method: 'GET', url: '/v1/connect/ca/roots?pem=true' });
    expect(pem.headers['content-type']).toContain('application/pem-certificate-chain');
    expect(new X509Certificate(pem.body).fingerprint.toLowerCase()).toBe(ca.activeRootId());

    const agent = await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/roots' });
    expect(agent.json()).toEqual(body);
  });

  it('blocks until the roots change, then answers with the new index', async () => {
    const { app, ca } = await build();
    const index = ca.index();
    const pending = app.inject({ method: 'GET', url: `/v1/connect/ca/roots?index=${index}&wait=30s` });
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    await ca.rotate();
    const res = await pending;
    expect(Number(res.headers['x-consul-index'])).toBeGreaterThan(index);
    expect(res.json().Roots).toHaveLength(2);
  });

  it('returns at the end of the wait when nothing changes', async () => {
    const { app, ca } = await build();
    const res = await app.inject({ method: 'GET', url: `/v1/connect/ca/roots?index=${ca.index()}&wait=100ms` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-consul-index']).toBe(String(ca.index()));
  });

  it('rejects a bad wait', async () => {
    const { app, ca } = await build();
    const res = await app.inject({ method: 'GET', url: `/v1/connect/ca/roots?index=${ca.index()}&wait=forever` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/wait/);
  });
});

describe('/v1/connect/ca/configuration', () => {
  it('GET returns the configuration; PUT applies a change', async () => {
    const { app, ca } = await build();
    const got = await app.inject({ method: 'GET', url: '/v1/connect/ca/configuration' });
    expect(got.json()).toMatchObject({
      Provider: 'consul',
      Config: { PrivateKeyType: 'ec', PrivateKeyBits: 256, LeafCertTTL: '72h', RootCertTTL: '87600h' },
      ForceWithoutCrossSigning: false,
    });
    const root = ca.activeRootId();
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/connect/ca/configuration',
      payload: { Provider: 'consul', Config: { LeafCertTTL: '24h', PrivateKeyType: 'ec', PrivateKeyBits: 384 } },
    });
    expect(put.statusCode).toBe(200);
    expect(ca.activeRootId()).not.toBe(root);
    expect((await app.inject({ method: 'GET', url: '/v1/connect/ca/configuration' })).json().Config.LeafCertTTL).toBe('24h');
  });

  it.each([
    [{ Config: { PrivateKeyType: 'dsa' } }, 'Config.PrivateKeyType'],
    [{ Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 256 } }, 'Config.PrivateKeyBits'],
    [{ Config: { LeafCertTTL: '1m' } }, 'Config.LeafCertTTL'],
    [{ Config: { RootCertTTL: 'x' } }, 'Config.RootCertTTL'],
    [{ Provider: 'vault' }, 'Provider'],
  ])('PUT %j answers 400 naming %s', async (payload, field) => {
    const { app, ca } = await build();
    const index = ca.index();
    const res = await app.inject({ method: 'PUT', url: '/v1/connect/ca/configuration', payload });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(field);
    expect(ca.index()).toBe(index);
  });
});

describe('GET /v1/agent/connect/ca/leaf/:service', () => {
  it('returns the service’s current leaf in Consul’s shape', async () => {
    const { app, ca } = await build();
    const res = await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/web' });
    expect(res.statusCode).toBe(200);
    const leaf = res.json();
    expect(Object.keys(leaf).sort()).toEqual(
      ['SerialNumber', 'CertPEM', 'PrivateKeyPEM', 'Service', 'ServiceURI', 'ValidAfter', 'ValidBefore', 'CreateIndex', 'ModifyIndex'].sort(),
    );
    expect(leaf.ServiceURI).toBe(`spiffe://${ca.trustDomain}/ns/default/dc/dc1/svc/web`);
    expect(res.headers['x-consul-index']).toBe(String(leaf.ModifyIndex));
    const again = await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/web' });
    expect(again.json().SerialNumber).toBe(leaf.SerialNumber);
  });

  it('a blocking query returns the reissued leaf after a rotation', async () => {
    const { app, ca } = await build();
    const first = (await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/web' })).json();
    const pending = app.inject({ method: 'GET', url: `/v1/agent/connect/ca/leaf/web?index=${first.ModifyIndex}&wait=30s` });
    await new Promise((r) => setTimeout(r, 20));
    await ca.rotate();
    const res = await pending;
    const next = res.json();
    expect(next.SerialNumber).not.toBe(first.SerialNumber);
    expect(Number(res.headers['x-consul-index'])).toBeGreaterThan(first.ModifyIndex);
    const active = new X509Certificate(ca.roots().Roots.find((r) => r.Active)!.RootCert);
    expect(new X509Certificate(next.CertPEM).verify(active.publicKey)).toBe(true);
  });

  it('hands out a fresh leaf once the current one is past half its life', async () => {
    const { app, clock } = await build();
    const first = (await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/web' })).json();
    clock.advance(37 * HOUR);
    const second = (await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/web' })).json();
    expect(second.SerialNumber).not.toBe(first.SerialNumber);
    expect(Date.parse(second.ValidBefore)).toBeGreaterThan(Date.parse(first.ValidBefore));
  });

  it('rejects an invalid service name', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/v1/agent/connect/ca/leaf/bad%20name' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/service/);
  });
});
