/**
 * Proxyless gRPC over the whole control plane: two `api` XdsServers and a
 * `web` client on xds:///api, all configured by Switchboard's mesh engine,
 * with mTLS from Switchboard's CA. Health and registration changes made
 * through the HTTP API move traffic.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ApiProxyStatus } from '../../api/xds.ts';
import { grpcXds } from './grpc-xds.ts';
import { BOOTSTRAP_OPTION, cliGrpcBootstrap, eventually, freePort, grpcBootstrapFor, meshClient, registerNative, startMesh, startWhoami, tally, untilOnly, type MeshHarness, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshHarness;
const servers: MeshServer[] = [];
let web: WhoamiClient;

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  const [p1, p2] = [await freePort(), await freePort()];
  await registerNative(h, 'api-1', 'api', p1);
  await registerNative(h, 'api-2', 'api', p2);
  await registerNative(h, 'web-1', 'web', 0);
  // api-1 starts from what the real CLI prints (and the cert files it writes); the rest are built in-process.
  const cli = await cliGrpcBootstrap(h, 'api-1');
  expect(JSON.parse(cli.json)).toMatchObject({ node: { id: 'api-1', cluster: 'api' } });
  expect(readdirSync(cli.certDir).sort()).toEqual(['cert.pem', 'key.pem', 'roots.pem']);
  servers.push(await startWhoami('api-1', p1, cli.json));
  servers.push(await startWhoami('api-2', p2, await grpcBootstrapFor(h, 'api-2', 'api')));
  web = meshClient('api', await grpcBootstrapFor(h, 'web-1', 'web'));
});

afterAll(async () => {
  web?.close();
  for (const s of servers) await s.close();
  await h?.close();
});

it('both api instances serve web over mTLS', async () => {
  const t = await tally(web, 50);
  expect(t['error']).toBeUndefined();
  expect(t['api-1']).toBeGreaterThan(5);
  expect(t['api-2']).toBeGreaterThan(5);
});

it('follows health and registration: a failing check drains an instance, passing brings it back, deregistering removes it, a new one joins', async () => {
  await h.api('PUT', '/v1/agent/check/fail/api-1-ttl-id');
  expect(await untilOnly(web, ['api-2'], 2000), 'only api-2 answers after api-1 fails').toBe(true);

  await h.api('PUT', '/v1/agent/check/pass/api-1-ttl-id');
  expect(await untilOnly(web, ['api-1', 'api-2'], 2000), 'api-1 is back after it passes').toBe(true);

  await h.api('PUT', '/v1/agent/service/deregister/api-2');
  expect(await untilOnly(web, ['api-1'], 2000), 'only api-1 after api-2 is deregistered').toBe(true);

  const p3 = await freePort();
  await registerNative(h, 'api-3', 'api', p3);
  servers.push(await startWhoami('api-3', p3, await grpcBootstrapFor(h, 'api-3', 'api')));
  expect(await untilOnly(web, ['api-1', 'api-3'], 2000), 'api-3 receives requests').toBe(true);
  const t = await tally(web, 30);
  expect(t['error']).toBeUndefined();
});

it('a service that does not exist yet fails fast, and is reached as soon as it is registered and serving', async () => {
  const late = meshClient('late', await grpcBootstrapFor(h, 'web-1', 'web'));
  try {
    const before = await late.attempt(1000);
    expect(before.ok).toBe(false);
    const port = await freePort();
    await registerNative(h, 'late-1', 'late', port);
    servers.push(await startWhoami('late-1', port, await grpcBootstrapFor(h, 'late-1', 'late')));
    expect(await eventually(async () => (await late.attempt(500)).ok, 2000)).toBe(true);
    expect(await late.call()).toBe('late-1');
  } finally {
    late.close();
  }
});

it('a client may dial xds:///<service>:<port>; it shares the service\'s cluster with xds:///<service>', async () => {
  const withPort = meshClient('api:8080', await grpcBootstrapFor(h, 'web-1', 'web'));
  try {
    expect(await withPort.call()).toMatch(/^api-\d$/);
    expect(await web.call()).toMatch(/^api-\d$/);
    const proxies = (await h.api('GET', '/v1/xds/proxies')) as ApiProxyStatus[];
    const clusters = new Set(proxies.filter((p) => p.NodeID === 'web-1').flatMap((p) => p.Types['clusters']?.Resources ?? []));
    expect([...clusters].filter((c) => c.startsWith('api.')), 'one api cluster').toHaveLength(1);
  } finally {
    withPort.close();
  }
});

it('a server bound to a port other than its registration\'s is told why in /v1/xds/proxies, and serves once the registration is fixed', async () => {
  const [registered, bound] = [await freePort(), await freePort()];
  await registerNative(h, 'api-wrong', 'api', registered);
  const server = new grpcXds.XdsServer({ [BOOTSTRAP_OPTION]: await grpcBootstrapFor(h, 'api-wrong', 'api') } as ConstructorParameters<typeof grpcXds.XdsServer>[0]);
  const problemOf = async (): Promise<string> =>
    ((await h.api('GET', '/v1/xds/proxies')) as ApiProxyStatus[]).find((x) => x.NodeID === 'api-wrong')?.Problem?.Message ?? '';
  try {
    let serving = false;
    server.bindAsync(`127.0.0.1:${bound}`, new grpcXds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()), (err) => (serving = !err));
    let problem = '';
    expect(await eventually(async () => (problem = await problemOf()) !== '', 5000, 50)).toBe(true);
    expect(problem).toContain(`"api-wrong" is registered with port ${registered}; bind the registered port`);
    expect(serving).toBe(false);

    await registerNative(h, 'api-wrong', 'api', bound);
    expect(await eventually(async () => serving, 3000), 'the server gets its Listener').toBe(true);
    expect(await problemOf()).toBe('');
  } finally {
    server.forceShutdown();
    await h.api('PUT', '/v1/agent/service/deregister/api-wrong');
  }
});
