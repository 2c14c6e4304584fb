/**
 * Intentions on the proxyless data plane: with the default policy deny, the
 * api XdsServer's RBAC filter refuses web until a service-intentions entry
 * allows it; a later deny takes it away again. The entry is written straight
 * to the store, as the config-entry HTTP API would.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { eventually, freePort, grpcBootstrapFor, meshClient, registerNative, startMesh, startWhoami, type MeshHarness, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshHarness;
let api: MeshServer;
let web: WhoamiClient;
let other: WhoamiClient;

/** Writes the service-intentions entry of `api` with these sources. */
async function setApiIntentions(sources: Record<string, unknown>[]): Promise<void> {
  const body = { Kind: 'service-intentions', Name: 'api', Sources: sources.map((s) => ({ ...s, Precedence: 9, Type: 'consul' })) };
  const r = await h.server.store.apply([{ op: 'setConfigEntry', kind: 'service-intentions', name: 'api', body }]);
  expect(r.ok, JSON.stringify(r)).toBe(true);
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
  await setApiIntentions([{ Name: 'web', Action: 'allow' }]);
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
  await setApiIntentions([{ Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathExact: '/switchboard.test.Mesh/WhoAmI' } }] }]);
  expect(await eventually(async () => (await web.attempt(1000)).ok, 1000)).toBe(true);
  expect(await web.attempt(1000, 'Admin')).toMatchObject(denied);
  expect(await other.attempt()).toMatchObject(denied);
});
