import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, defaultServerOptions, type RunningServer } from '../../cli/server.ts';
import { silentLogger } from '../../cli/logger.ts';
import { CLUSTER_TYPE } from '../../xds/index.ts';
import { AdsTestClient, makeNode } from './ads-client.ts';
import { makeCluster } from './fixtures.ts';

let running: RunningServer | undefined;
let client: AdsTestClient | undefined;
const dir = mkdtempSync(join(tmpdir(), 'sb-xds-'));

afterEach(async () => {
  client?.close();
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('startServer serves ADS on the bound gRPC port and shows the proxy in /v1/xds/proxies', async () => {
  running = await startServer({ ...defaultServerOptions(silentLogger()), acl: { enabled: false }, dataDir: dir, inMemory: true, httpPort: 0, grpcPort: 0, dnsPort: 0 });
  const port = Number(running.grpcAddress.split(':').pop());
  expect(port).toBeGreaterThan(0);
  running.xdsCache.setSnapshot('web-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
  client = new AdsTestClient(running.grpcAddress);
  const s = client.sotw();
  s.send({ node: makeNode('web-sidecar'), type_url: CLUSTER_TYPE });
  const r = await s.next();
  expect(r.resources).toHaveLength(1);
  const res = await running.api.inject({ method: 'GET', url: '/v1/xds/proxies?node=web-sidecar' });
  expect(res.json()).toMatchObject([{ NodeID: 'web-sidecar', Flavour: 'envoy', Types: { clusters: { Resources: ['web'] } } }]);
});
