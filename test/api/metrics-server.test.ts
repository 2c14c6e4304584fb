import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

it('a whole server reports the cache, the mesh engine (builds, rejected builds) and xDS streams on /metrics', async () => {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  for (const name of [
    'switchboard_mesh_builds_total',
    'switchboard_mesh_rejected_builds_total',
    'switchboard_mesh_pending_builds',
    'switchboard_xds_cache_encodings_total',
  ]) {
    expect(text, name).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'));
  }
});
