/**
 * Intentions on the proxyless data plane: with the default policy deny, the
 * api XdsServer's RBAC filter refuses web until an intention allows it; a
 * later deny takes it away again; an L7 intention allows one gRPC method.
 * Intentions are written through the HTTP API, both the legacy
 * `/v1/connect/intentions/exact` and `service-intentions` config entries.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { eventually, freePort, grpcBootstrapFor, meshClient, registerNative, startMesh, startWhoami, type MeshHarness, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshHarness;
let api: MeshServer;
let web: WhoamiClient;
let other: WhoamiClient;

/** Writes the service-intentions entry of `api` with these sources (`PUT /v1/config`). */
async function setApiIntentions(sources: Record<string, unknown>[]): Promise<void> {
  expect(await h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: 'api', Sources: sources })).toBe(true);
}

beforeAll(async () => {
  h = await startMesh({ defaultAllow: false });
  const port = await freePort();
  await registerNative(h, 'api-1', 'api', port);
  await registerNative(h, 'web-1', 'web', 0);
  await registerNative(h, 'other-1', 'other', 0);
  api = await startWhoami('api-1', port, await grpcBootstrapFor(h, 'api-1', 'api'));
  web = meshClient('api', await grpcBootstrapFor(h, 'web-1', 'web'));
  other = meshClient('api', await grpcBootstrapFor(h, 'other-1', 'other'));
});

afterAll(async () => {
  web?.close();
  other?.close();
  await api?.close();
  await h?.close();
});

const denied = { ok: false, code: grpc.status.PERMISSION_DENIED, message: expect.stringContaining('Unauthorized RPC rejected') };

it('denies by default: the connection is made (mTLS) but RBAC rejects the RPC', async () => {
  expect(await web.attempt()).toMatchObject(denied);
  expect(await other.attempt()).toMatchObject(denied);
  expect(api.served).toBe(0);
});

it('an allow intention for web lets web in within a second, and only web', async () => {
  await h.api('PUT', '/v1/connect/intentions/exact?source=web&destination=api', { Action: 'allow' });
  expect(await eventually(async () => (await web.attempt(1000)).ok, 1000)).toBe(true);
  expect(await web.call()).toBe('api-1');
  expect(await other.attempt()).toMatchObject(denied);
});

it('turning the intention into a deny shuts web out again', async () => {
  await setApiIntentions([{ Name: 'web', Action: 'deny' }, { Name: 'other', Action: 'allow' }]);
  const isDenied = async (): Promise<boolean> => {
    const r = await web.attempt(1000);
    return !r.ok && r.code === grpc.status.PERMISSION_DENIED;
  };
  expect(await eventually(isDenied, 1000)).toBe(true);
  expect(await other.call()).toBe('api-1');
});

it('an L7 intention allows web one gRPC method and denies the others', async () => {
  // L7 intentions need the destination's protocol to be HTTP-based; proxyless servers speak gRPC.
  expect(await h.api('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'api', Protocol: 'grpc' })).toBe(true);
  await setApiIntentions([{ Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathExact: '/switchboard.test.Mesh/WhoAmI' } }] }]);
  expect(await eventually(async () => (await web.attempt(1000)).ok, 1000)).toBe(true);
  expect(await web.attempt(1000, 'Admin')).toMatchObject(denied);
  expect(await other.attempt()).toMatchObject(denied);
});

it('a deny at higher precedence wins over a wildcard allow, for sources and for destinations', async () => {
  // Wildcard source allowed, exact source denied: web (exact) is out, other (wildcard) is in.
  await setApiIntentions([{ Name: '*', Action: 'allow' }, { Name: 'web', Action: 'deny' }]);
  expect(await eventually(async () => (await other.attempt(1000)).ok, 1000)).toBe(true);
  expect(await web.attempt(1000)).toMatchObject(denied);
  // An allow for web on every destination does not beat the deny on api itself.
  expect(await h.api('PUT', '/v1/config', { Kind: 'service-intentions', Name: '*', Sources: [{ Name: 'web', Action: 'allow' }] })).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  expect(await web.attempt(1000)).toMatchObject(denied);
  expect((await h.api('GET', '/v1/connect/intentions/check?source=web&destination=api')) as { Allowed: boolean }).toEqual({ Allowed: false });
});
