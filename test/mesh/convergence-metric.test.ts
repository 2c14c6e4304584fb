/**
 * The convergence histogram end to end: a catalog change is committed, the
 * engine rebuilds the affected sidecar, the stream pushes the new endpoints,
 * and only when the proxy ACKs them does `switchboard_xds_convergence_seconds`
 * count one more observation for endpoints. A first connection is not a change
 * and is not counted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../../xds/index.ts';
import { AdsTestClient, decodeAny, makeNode } from '../xds/ads-client.ts';
import { startMesh, type MeshHarness } from './harness.ts';

let h: MeshHarness;
let ads: AdsTestClient;

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  await h.api('PUT', '/v1/agent/service/register', {
    ID: 'web',
    Name: 'web',
    Port: 8081,
    Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'api', LocalBindPort: 9191 }] } } },
  });
  await h.api('PUT', '/v1/agent/service/register', { ID: 'api', Name: 'api', Port: 8080, Check: { CheckID: 'api-ttl', TTL: '10m', Status: 'passing' }, Connect: { SidecarService: {} } });
  ads = new AdsTestClient(h.grpcAddr);
});

afterAll(async () => {
  ads?.close();
  await h?.close();
});

/** The count of one series of the convergence histogram, from the server's /metrics text. */
async function convergenceCount(type: string): Promise<number> {
  const text = await (await fetch(`http://${h.httpAddr}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`switchboard_xds_convergence_seconds_count{type="${type}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

it('counts the time from a committed endpoint change to the ACK of the endpoints that carry it', async () => {
  const s = ads.delta();
  try {
    s.send({ node: makeNode('web-sidecar-proxy'), type_url: CLUSTER_TYPE });
    const clusters = await s.next(5000);
    const apiCluster = (clusters.resources ?? []).map((r) => r.name).find((n) => n?.startsWith('api.'));
    expect(apiCluster).toBeDefined();
    s.send({ type_url: ENDPOINT_TYPE, resource_names_subscribe: [apiCluster!] });
    s.send({ type_url: CLUSTER_TYPE, response_nonce: clusters.nonce });
    const first = await s.next(5000);
    expect(first.type_url).toBe(ENDPOINT_TYPE);
    s.send({ type_url: ENDPOINT_TYPE, response_nonce: first.nonce });
    await s.expectSilence(200);
    // Connecting is not a change: nothing was observed yet.
    expect(await convergenceCount('endpoints')).toBe(0);

    await h.api('PUT', '/v1/agent/check/fail/api-ttl');
    const update = await s.next(5000);
    expect(update.type_url).toBe(ENDPOINT_TYPE);
    const cla = decodeAny(update.resources![0]!.resource!) as { endpoints?: { lb_endpoints?: { health_status?: string }[] }[] };
    expect(cla.endpoints?.[0]?.lb_endpoints?.[0]?.health_status).toBe('UNHEALTHY');
    // Sent but not yet ACKed: still nothing.
    expect(await convergenceCount('endpoints')).toBe(0);
    s.send({ type_url: ENDPOINT_TYPE, response_nonce: update.nonce });
    await s.expectSilence(200);
    expect(await convergenceCount('endpoints')).toBe(1);
    expect(await convergenceCount('clusters')).toBe(0);
  } finally {
    s.close();
  }
});
