/**
 * gRPC's own xDS client (@grpc/grpc-js-xds, state-of-the-world ADS) resolves
 * `xds:///echo` against our server and sends real RPCs to real echo servers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as grpcXds from '@grpc/grpc-js-xds';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, type SnapshotInput } from '../../xds/index.ts';
import { startEchoServer, EchoClientOf, type EchoServer } from './echo-server.ts';
import { makeCluster, makeEndpoints, makeListener, makeRoute } from './fixtures.ts';
import { startXds, type XdsHarness } from './harness.ts';

const NODE_ID = 'echo-client-1';
let h: XdsHarness;
let one: EchoServer;
let two: EchoServer;
let client: EchoClientOf;

function echoSnapshot(backend: EchoServer): SnapshotInput {
  return {
    [LISTENER_TYPE]: [makeListener('echo', 'echo-routes')],
    [ROUTE_TYPE]: [makeRoute('echo-routes', 'echo-cluster', ['echo'])],
    [CLUSTER_TYPE]: [makeCluster('echo-cluster')],
    [ENDPOINT_TYPE]: [makeEndpoints('echo-cluster', [{ host: '127.0.0.1', port: backend.port }])],
  };
}

beforeAll(async () => {
  h = await startXds();
  [one, two] = await Promise.all([startEchoServer('one'), startEchoServer('two')]);
  // grpc-js-xds reads (and caches) its bootstrap when the first xds: channel is made.
  process.env['GRPC_XDS_BOOTSTRAP_CONFIG'] = JSON.stringify({
    xds_servers: [{ server_uri: h.address, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: NODE_ID, cluster: 'echo-client', locality: {} },
  });
  grpcXds.register();
  h.cache.setSnapshot(NODE_ID, echoSnapshot(one));
  client = new EchoClientOf('xds:///echo');
});

afterAll(async () => {
  client?.close();
  one?.close();
  two?.close();
  await h?.close();
});

it('routes RPCs by our config, then follows an endpoint change to another server', async () => {
  expect(await client.echo('hello')).toBe('one:hello');
  for (let i = 0; i < 5; i++) expect(await client.echo(`a${i}`)).toBe(`one:a${i}`);

  h.cache.setSnapshot(NODE_ID, echoSnapshot(two));
  let moved = false;
  for (let i = 0; i < 200 && !moved; i++) {
    moved = (await client.echo('probe')).startsWith('two:');
    if (!moved) await new Promise((r) => setTimeout(r, 10));
  }
  expect(moved).toBe(true);
  for (let i = 0; i < 5; i++) expect(await client.echo(`b${i}`)).toBe(`two:b${i}`);

  const proxies = await h.proxies();
  expect(proxies).toHaveLength(1);
  const p = proxies[0]!;
  expect(p).toMatchObject({ NodeID: NODE_ID, Flavour: 'grpc', Mode: 'sotw', UserAgent: expect.stringMatching(/^gRPC Node/) });
  for (const type of ['listeners', 'routes', 'clusters', 'endpoints']) {
    expect(p.Types[type]?.LastNack, type).toBeNull();
    expect(p.Types[type]?.LastAcked?.Nonce, type).toBeTruthy();
  }
  expect(p.Types['listeners']?.Subscribed).toEqual(['echo']);
  expect(p.Types['endpoints']?.Resources).toEqual(['echo-cluster']);
});
