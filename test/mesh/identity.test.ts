/**
 * Identity on the proxyless data plane: the api XdsServer accepts only
 * callers with a certificate from the mesh's CA, and a client accepts only a
 * server whose certificate names the service it asked for.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { freePort, grpcBootstrapFor, meshClient, registerNative, startMesh, startWhoami, WhoamiClient, type MeshHarness, type MeshServer } from './harness.ts';

let h: MeshHarness;
let other: MeshHarness;
let api: MeshServer;
let roots: string;
const clients: WhoamiClient[] = [];

function track(c: WhoamiClient): WhoamiClient {
  clients.push(c);
  return c;
}

/** TLS options for a direct channel: the leaf has only a SPIFFE URI SAN, so host name checking is off. */
const noHostCheck = { checkServerIdentity: () => undefined };
/** A name for SNI (an IP address there is deprecated by RFC 6066). */
const sni = { 'grpc.ssl_target_name_override': 'api' };

/** A direct TLS channel to api-1 with the given roots and optional client certificate. */
function direct(rootsPEM: string, leaf?: { CertPEM: string; PrivateKeyPEM: string }): WhoamiClient {
  const creds = grpc.credentials.createSsl(
    Buffer.from(rootsPEM),
    leaf ? Buffer.from(leaf.PrivateKeyPEM) : null,
    leaf ? Buffer.from(leaf.CertPEM) : null,
    noHostCheck,
  );
  return track(new WhoamiClient(`127.0.0.1:${api.port}`, creds, sni));
}

beforeAll(async () => {
  [h, other] = await Promise.all([startMesh({ defaultAllow: true }), startMesh({ defaultAllow: true })]);
  const port = await freePort();
  await registerNative(h, 'api-1', 'api', port);
  await registerNative(h, 'web-1', 'web', 0);
  api = await startWhoami('api-1', port, await grpcBootstrapFor(h, 'api-1', 'api'));
  roots = h.server.ca.roots().Roots.map((r) => r.RootCert).join('\n');
});

afterAll(async () => {
  for (const c of clients) c.close();
  await api?.close();
  await h?.close();
  await other?.close();
});

it('sanity: a mesh client with its own certificate gets answers', async () => {
  const web = track(meshClient('api', await grpcBootstrapFor(h, 'web-1', 'web')));
  expect(await web.call()).toBe('api-1');
});

it('serves a direct TLS caller that presents a certificate from the mesh CA (control for the cases below)', async () => {
  expect(await direct(roots, await h.server.leaves.get('web')).call()).toBe('api-1');
});

it('refuses a plaintext caller', async () => {
  const plain = track(new WhoamiClient(`127.0.0.1:${api.port}`, grpc.credentials.createInsecure()));
  const r = await plain.attempt();
  expect(r).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
});

it('refuses a TLS caller without a client certificate', async () => {
  const r = await direct(roots).attempt();
  expect(r).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE, message: expect.stringContaining('certificate required') });
});

it('refuses a caller whose certificate comes from another CA', async () => {
  // The server resets the handshake: only the code is stable.
  const r = await direct(roots, await other.server.leaves.get('web')).attempt();
  expect(r).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
  expect(api.served, 'no request got through').toBe(2);
});

it('a client refuses a server whose certificate names another service', async () => {
  // `impostor` claims api-1's address: its cluster expects impostor's SPIFFE ID, api-1 presents api's.
  await registerNative(h, 'impostor-1', 'impostor', api.port);
  const web = track(meshClient('impostor', await grpcBootstrapFor(h, 'web-1', 'web')));
  const r = await web.attempt();
  expect(r).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE, message: expect.stringContaining('No matching subject alternative name') });
});

it('a client of another mesh (other CA, other trust domain) refuses the server', async () => {
  await registerNative(other, 'api-1', 'api', api.port);
  await registerNative(other, 'web-1', 'web', 0);
  const web = track(meshClient('api', await grpcBootstrapFor(other, 'web-1', 'web')));
  const r = await web.attempt();
  expect(r).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE, message: expect.stringContaining('self-signed certificate in certificate chain') });
  expect(api.served, 'no request got through').toBe(2);
});
