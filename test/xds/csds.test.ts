import { afterEach, beforeEach, expect, it } from 'vitest';
import { CLUSTER_TYPE, ENDPOINT_TYPE } from '../../xds/index.ts';
import type { ClientStatusResponse } from '../../xds/generated/envoy/service/status/v3/ClientStatusResponse.ts';
import { CsdsTestClient, decodeAny, makeNode } from './ads-client.ts';
import { meshSnapshot, startXds, type XdsHarness } from './harness.ts';

let h: XdsHarness;
let csds: CsdsTestClient | undefined;
beforeEach(async () => {
  h = await startXds();
});
afterEach(async () => {
  csds?.close();
  await h.close();
});

function fetchStatus(request: Record<string, unknown>): Promise<ClientStatusResponse> {
  csds ??= new CsdsTestClient(h.address);
  return csds.fetch(request);
}

it('reports what each proxy holds, ACKed, NACKed or missing', async () => {
  h.cache.setSnapshot('n', meshSnapshot(['web']));
  const s = h.client().sotw();
  s.send({ node: makeNode('n'), type_url: CLUSTER_TYPE });
  const cds = await s.next();
  s.send({ type_url: CLUSTER_TYPE, version_info: cds.version_info, response_nonce: cds.nonce });
  s.send({ type_url: ENDPOINT_TYPE, resource_names: ['web', 'ghost'] });
  const eds = await s.next();
  s.send({ type_url: ENDPOINT_TYPE, response_nonce: eds.nonce, resource_names: ['web', 'ghost'], error_detail: { code: 3, message: 'bad endpoints' } });
  await h.replied('n', 'endpoints', eds.nonce);

  const res = await fetchStatus({ node_matchers: [{ node_id: { exact: 'n' } }] });
  expect(res.config).toHaveLength(1);
  const cfg = res.config![0]!;
  expect(cfg.node?.id).toBe('n');
  const byName = Object.fromEntries((cfg.generic_xds_configs ?? []).map((g) => [`${g.type_url!.split('.').pop()}/${g.name}`, g]));
  expect(byName['Cluster/web']).toMatchObject({ config_status: 'SYNCED', client_status: 'ACKED' });
  expect(decodeAny(byName['Cluster/web']!.xds_config! as { type_url: string; value: Buffer })).toMatchObject({ name: 'web' });
  expect(byName['ClusterLoadAssignment/web']).toMatchObject({ config_status: 'ERROR', client_status: 'NACKED', error_state: { details: 'bad endpoints' } });
  expect(byName['ClusterLoadAssignment/ghost']).toMatchObject({ config_status: 'NOT_SENT', client_status: 'DOES_NOT_EXIST' });

  expect((await fetchStatus({ node_matchers: [{ node_id: { exact: 'other' } }] })).config).toEqual([]);
});
