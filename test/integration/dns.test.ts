/**
 * The DNS interface of a whole server (`startServer`), queried with the real `dig`, after
 * registrations and check updates made through the real HTTP API.
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api/server-harness.ts';
import { dig, digAvailable, type DigRecord, type DigResult } from '../dns/dig.ts';

const HAVE_DIG = digAvailable();

/** Sends one API request and fails the test on anything but a 2xx. */
async function api(ts: TestServer, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${ts.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

const lines = (records: DigRecord[]): string[] =>
  records.filter((r) => r.type !== 'OPT').map((r) => `${r.name} ${r.type} ${r.data}`).sort();

/** The SRV answer lines of a query; the ports and targets are what clients use. */
async function srv(ts: TestServer, name: string): Promise<{ r: DigResult; answer: string[] }> {
  const r = await dig(ts.server.dns!.udpPort, name, 'SRV');
  return { r, answer: lines(r.answer) };
}

/** Polls the SRV answer (bounded) until it equals `want`, then returns it; else the last answer. */
async function srvWithin(ts: TestServer, name: string, want: string[], deadlineMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { answer } = await srv(ts, name);
    if (JSON.stringify(answer) === JSON.stringify(want) || Date.now() > deadline) return answer;
    await sleep(200);
  }
}

const WEB_1_SRV = 'web.service.consul. SRV 1 1 8080 0a000101.addr.dc1.consul.';
const WEB_2_SRV = 'web.service.consul. SRV 1 1 8081 0a000102.addr.dc1.consul.';

describe.skipIf(!HAVE_DIG)('DNS interface of a whole server, through dig', () => {
  let ts: TestServer;

  beforeAll(async () => {
    ts = await startTestServer();
    expect(ts.server.dns, 'the server starts its DNS interface with dnsPort: 0').toBeDefined();
    for (const [id, address, port, tag] of [
      ['web-1', '10.0.1.1', 8080, 'primary'],
      ['web-2', '10.0.1.2', 8081, 'secondary'],
    ] as const) {
      await api(ts, 'PUT', '/v1/agent/service/register', { ID: id, Name: 'web', Address: address, Port: port, Tags: [tag], Check: { TTL: '10m' } });
    }
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('does not answer for instances whose checks have not passed yet (new checks start critical)', async () => {
    const { r } = await srv(ts, 'web.service.consul');
    expect(r.status).toBe('NXDOMAIN');
    expect(r.answer).toEqual([]);
  });

  it('answers SRV with both instances, their ports, addr targets and A records in the additional section', async () => {
    await api(ts, 'PUT', '/v1/agent/check/pass/service:web-1');
    await api(ts, 'PUT', '/v1/agent/check/pass/service:web-2');
    const { r, answer } = await srv(ts, 'web.service.consul');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(answer).toEqual([WEB_1_SRV, WEB_2_SRV]);
    expect(lines(r.additional)).toEqual(['0a000101.addr.dc1.consul. A 10.0.1.1', '0a000102.addr.dc1.consul. A 10.0.1.2']);
    // The same over TCP, and with the datacenter label.
    const tcp = await dig(ts.server.dns!.tcpPort, 'web.service.dc1.consul', 'SRV', ['+tcp']);
    expect(lines(tcp.answer)).toEqual([WEB_1_SRV, WEB_2_SRV].map((l) => l.replace('web.service.consul.', 'web.service.dc1.consul.')));
    // The addr target resolves on its own too.
    const addr = await dig(ts.server.dns!.udpPort, '0a000102.addr.dc1.consul', 'A');
    expect(lines(addr.answer)).toEqual(['0a000102.addr.dc1.consul. A 10.0.1.2']);
  });

  it('filters by tag: <tag>.web.service.consul A and _web._<tag>.service.consul SRV', async () => {
    const a = await dig(ts.server.dns!.udpPort, 'primary.web.service.consul', 'A');
    expect(a.status).toBe('NOERROR');
    expect(lines(a.answer)).toEqual(['primary.web.service.consul. A 10.0.1.1']);

    const rfc = await srv(ts, '_web._secondary.service.consul');
    expect(rfc.answer).toEqual(['_web._secondary.service.consul. SRV 1 1 8081 0a000102.addr.dc1.consul.']);
    const rfcPrimary = await srv(ts, '_web._primary.service.consul');
    expect(rfcPrimary.answer).toEqual(['_web._primary.service.consul. SRV 1 1 8080 0a000101.addr.dc1.consul.']);
    // "_tcp" is the protocol label, not a tag: every instance.
    expect((await srv(ts, '_web._tcp.service.consul')).answer).toHaveLength(2);

    const none = await dig(ts.server.dns!.udpPort, 'canary.web.service.consul', 'A');
    expect(none.status).toBe('NXDOMAIN');
  });

  it('answers the agent node by name', async () => {
    const r = await dig(ts.server.dns!.udpPort, 'agent-1.node.consul', 'A');
    expect(r.status).toBe('NOERROR');
    expect(lines(r.answer)).toEqual(['agent-1.node.consul. A 127.0.0.1']);
  });

  it('drops an instance whose TTL check fails and brings it back when it passes', async () => {
    await api(ts, 'PUT', '/v1/agent/check/fail/service:web-2?note=down');
    expect((await srv(ts, 'web.service.consul')).answer).toEqual([WEB_1_SRV]);
    const a = await dig(ts.server.dns!.udpPort, 'web.service.consul', 'A');
    expect(lines(a.answer)).toEqual(['web.service.consul. A 10.0.1.1']);
    expect((await dig(ts.server.dns!.udpPort, 'secondary.web.service.consul', 'A')).status).toBe('NXDOMAIN');

    // A warning instance is still answered (only critical ones are dropped).
    await api(ts, 'PUT', '/v1/agent/check/warn/service:web-2');
    expect((await srv(ts, 'web.service.consul')).answer).toEqual([WEB_1_SRV, WEB_2_SRV]);
    await api(ts, 'PUT', '/v1/agent/check/pass/service:web-2');
    expect((await srv(ts, 'web.service.consul')).answer).toEqual([WEB_1_SRV, WEB_2_SRV]);
  });

  it('answers <service>.connect.consul with the sidecar proxy and its automatically assigned port', async () => {
    expect((await dig(ts.server.dns!.udpPort, 'api.connect.consul', 'SRV')).status).toBe('NXDOMAIN');
    await api(ts, 'PUT', '/v1/agent/service/register', {
      ID: 'api-1',
      Name: 'api',
      Address: '10.0.2.1',
      Port: 9000,
      Connect: { SidecarService: {} },
    });
    const sidecar = (await api(ts, 'GET', '/v1/agent/service/api-1-sidecar-proxy')) as { Port: number; Address: string };
    expect(sidecar.Port).toBeGreaterThanOrEqual(21000);
    expect(sidecar.Port).toBeLessThanOrEqual(21255);

    const { r, answer } = await srv(ts, 'api.connect.consul');
    expect(r.status).toBe('NOERROR');
    expect(answer).toEqual([`api.connect.consul. SRV 1 1 ${sidecar.Port} 0a000201.addr.dc1.consul.`]);
    expect(lines(r.additional)).toEqual(['0a000201.addr.dc1.consul. A 10.0.2.1']);
    // The service itself has no check, so it is answered by its own port.
    expect((await srv(ts, 'api.service.consul')).answer).toEqual(['api.service.consul. SRV 1 1 9000 0a000201.addr.dc1.consul.']);

    // Deregistering the service takes its sidecar out of DNS too.
    await api(ts, 'PUT', '/v1/agent/service/deregister/api-1');
    expect((await dig(ts.server.dns!.udpPort, 'api.connect.consul', 'SRV')).status).toBe('NXDOMAIN');
  });

  it('answers web.connect.consul once web gets a sidecar', async () => {
    expect((await dig(ts.server.dns!.udpPort, 'web.connect.consul', 'SRV')).status).toBe('NXDOMAIN');
    await api(ts, 'PUT', '/v1/agent/service/register', {
      ID: 'web-1',
      Name: 'web',
      Address: '10.0.1.1',
      Port: 8080,
      Tags: ['primary'],
      Check: { TTL: '10m' },
      Connect: { SidecarService: {} },
    });
    const sidecar = (await api(ts, 'GET', '/v1/agent/service/web-1-sidecar-proxy')) as { Port: number };
    expect(sidecar.Port).toBeGreaterThanOrEqual(21000);
    const { answer } = await srv(ts, 'web.connect.consul');
    expect(answer).toEqual([`web.connect.consul. SRV 1 1 ${sidecar.Port} 0a000101.addr.dc1.consul.`]);
    // Re-registering kept the check's passing status, so web-1 is still answered as a service.
    expect((await srv(ts, 'web.service.consul')).answer).toEqual([WEB_1_SRV, WEB_2_SRV]);
  });

  it('follows an HTTP check run by the server: a failing probe takes the instance out, a passing one brings it back', async () => {
    let code = 200;
    const app = createServer((_req, res) => {
      res.statusCode = code;
      res.end();
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const port = (app.address() as { port: number }).port;
      await api(ts, 'PUT', '/v1/agent/service/register', {
        ID: 'cache-1',
        Name: 'cache',
        Address: '10.0.3.1',
        Port: 6379,
        Check: { HTTP: `http://127.0.0.1:${port}/`, Interval: '1s' },
      });
      const answered = ['cache.service.consul. SRV 1 1 6379 0a000301.addr.dc1.consul.'];
      expect(await srvWithin(ts, 'cache.service.consul', answered)).toEqual(answered);
      code = 500;
      expect(await srvWithin(ts, 'cache.service.consul', [])).toEqual([]);
      code = 200;
      expect(await srvWithin(ts, 'cache.service.consul', answered)).toEqual(answered);
    } finally {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await api(ts, 'PUT', '/v1/agent/service/deregister/cache-1');
    }
  });

  it('answers NXDOMAIN with the zone SOA for unknown names', async () => {
    for (const name of ['nosuch.service.consul', 'nosuch.node.consul', 'web.service.dc2.consul', 'web.nosuchtype.consul']) {
      const r = await dig(ts.server.dns!.udpPort, name, 'A');
      expect(r.status, name).toBe('NXDOMAIN');
      expect(r.answer, name).toEqual([]);
      expect(r.authority.map((a) => `${a.name} ${a.type}`), name).toEqual(['consul. SOA']);
      expect(r.authority[0]?.data, name).toMatch(/^ns\.consul\. hostmaster\.consul\. \d+ /);
    }
  });

  it('matches service, tag and node names case-insensitively', async () => {
    const upper = await srv(ts, 'WEB.service.consul');
    expect(upper.r.status).toBe('NOERROR');
    expect(upper.answer.map((l) => l.replace(/^WEB\./, 'web.'))).toEqual([WEB_1_SRV, WEB_2_SRV]);
    expect(lines((await dig(ts.server.dns!.udpPort, 'PRIMARY.Web.SERVICE.Consul', 'A')).answer)).toEqual(['PRIMARY.Web.SERVICE.Consul. A 10.0.1.1']);
    expect(lines((await dig(ts.server.dns!.udpPort, 'Agent-1.NODE.consul', 'A')).answer)).toEqual(['Agent-1.NODE.consul. A 127.0.0.1']);

    // Names registered in mixed case are found by any spelling.
    await api(ts, 'PUT', '/v1/agent/service/register', {
      ID: 'billing-1',
      Name: 'Billing',
      Port: 7000,
      Tags: ['EU-West'],
      Weights: { Passing: 10, Warning: 2 },
    });
    // No address of its own: the target is the agent node; the SRV weight is Weights.Passing.
    expect((await srv(ts, 'billing.service.consul')).answer).toEqual(['billing.service.consul. SRV 1 10 7000 agent-1.node.dc1.consul.']);
    expect(lines((await dig(ts.server.dns!.udpPort, 'eu-west.BILLING.service.consul', 'A')).answer)).toEqual(['eu-west.BILLING.service.consul. A 127.0.0.1']);
  });

  it('answers services on nodes registered through the catalog, targeting <node>.node names', async () => {
    await api(ts, 'PUT', '/v1/catalog/register', {
      Node: 'ext-db',
      Address: '192.0.2.7',
      Service: { ID: 'db-1', Service: 'db', Port: 5432 },
    });
    const { r, answer } = await srv(ts, 'db.service.consul');
    expect(answer).toEqual(['db.service.consul. SRV 1 1 5432 ext-db.node.dc1.consul.']);
    expect(lines(r.additional)).toEqual(['ext-db.node.dc1.consul. A 192.0.2.7']);
    expect(lines((await dig(ts.server.dns!.udpPort, 'EXT-DB.node.consul', 'A')).answer)).toEqual(['EXT-DB.node.consul. A 192.0.2.7']);
  });
});
