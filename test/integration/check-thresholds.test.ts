import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api/server-harness.ts';

let server: TestServer;
let app: http.Server;
let status = 500;
let probes = 0;

beforeAll(async () => {
  server = await startTestServer();
  app = http.createServer((_req, res) => {
    probes++;
    res.writeHead(status).end('x');
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await server.close();
  await new Promise((r) => app.close(r));
});

async function checkOf(id: string): Promise<{ Status: string; Definition: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/v1/agent/checks`);
  const all = (await res.json()) as Record<string, { Status: string; Definition: Record<string, unknown> }>;
  const c = all[id];
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

it('keeps a check passing until FailuresBeforeCritical consecutive failures, and stores the thresholds', async () => {
  const port = (app.address() as AddressInfo).port;
  const res = await fetch(`${server.url}/v1/agent/service/register`, {
    method: 'PUT',
    body: JSON.stringify({
      Name: 'thr',
      ID: 'thr-1',
      Port: port,
      Check: { CheckID: 'thr-http', HTTP: `http://127.0.0.1:${port}/`, Interval: '1s', Status: 'passing', FailuresBeforeCritical: 3, SuccessBeforePassing: 2 },
    }),
  });
  expect(res.status).toBe(200);
  const stored = server.server.store.getCheck('agent-1', 'thr-http');
  expect(stored?.Definition).toMatchObject({ FailuresBeforeCritical: 3, SuccessBeforePassing: 2 });

  // Every probe fails; the check may only turn critical once three probes have been seen.
  const deadline = Date.now() + 20_000;
  let seenAtCritical = -1;
  while (Date.now() < deadline) {
    if ((await checkOf('thr-http')).Status === 'critical') {
      seenAtCritical = probes;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seenAtCritical).toBeGreaterThanOrEqual(3);
}, 30_000);
