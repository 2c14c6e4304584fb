/**
 * Health checks run by a whole server (`startServer`): HTTP and TCP probes against real local
 * listeners, TTL deadlines refreshed through the API, deregistration of critical services, and
 * checks that keep running after a restart on the same data dir. Every wait is a bounded poll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer, type RunningServer } from '../../cli/server.ts';

interface CheckJson {
  CheckID: string;
  Status: string;
  Output: string;
  ModifyIndex: number;
}

/** Generous: the machine is shared, and an HTTP check first runs anywhere within its interval. */
const DEADLINE_MS = 15_000;

function startOn(dataDir: string): Promise<RunningServer> {
  return startServer({
    ...defaultServerOptions(silentLogger()),
    acl: { enabled: false },
    dataDir,
    httpHost: '127.0.0.1',
    httpPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    dnsPort: 0,
    nodeName: 'agent-1',
  });
}

/** Sends one API request to `server` and fails the test on anything but a 2xx. */
async function api(server: RunningServer, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://${server.httpAddress}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function getCheck(server: RunningServer, service: string, checkId: string): Promise<CheckJson | undefined> {
  const checks = (await api(server, 'GET', `/v1/health/checks/${encodeURIComponent(service)}`)) as CheckJson[];
  return checks.find((c) => c.CheckID === checkId);
}

/** Polls /v1/health/checks/<service> until the check has `status`; throws with the last state seen at the deadline. */
async function waitForStatus(server: RunningServer, service: string, checkId: string, status: string): Promise<CheckJson> {
  const deadline = Date.now() + DEADLINE_MS;
  let last: CheckJson | undefined;
  for (;;) {
    last = await getCheck(server, service, checkId);
    if (last?.Status === status) return last;
    if (Date.now() > deadline) throw new Error(`check ${checkId} not ${status} within ${DEADLINE_MS} ms; last seen: ${JSON.stringify(last)}`);
    await sleep(150);
  }
}

/** A local HTTP service whose /health answers with whatever code the test sets. */
interface FakeService {
  server: HttpServer;
  url: string;
  code: number;
  userAgents: Set<string>;
  /** Requests served so far. */
  requests: number;
  close(): Promise<void>;
}

async function startFakeService(): Promise<FakeService> {
  const fake: FakeService = {
    server: createHttpServer((req, res) => {
      fake.requests++;
      fake.userAgents.add(req.headers['user-agent'] ?? '');
      res.statusCode = req.url === '/health' ? fake.code : 404;
      res.end(`status ${res.statusCode}`);
    }),
    url: '',
    code: 200,
    userAgents: new Set(),
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        fake.server.closeAllConnections();
        fake.server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  const addr = fake.server.address();
  if (addr === null || typeof addr !== 'object') throw new Error('fake service has no port');
  fake.url = `http://127.0.0.1:${addr.port}/health`;
  return fake;
}

describe('health checks run by the server', () => {
  let dataDir: string;
  let server: RunningServer;
  let fake: FakeService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-health-'));
    server = await startOn(dataDir);
    fake = await startFakeService();
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // Independent services on one server: running them side by side keeps the file short.
  describe.concurrent('each check type', () => {
    it('HTTP: 2xx passing, 500 critical, 429 warning, back to passing', async () => {
      fake.code = 200;
      await api(server, 'PUT', '/v1/agent/service/register', {
        ID: 'web-1',
        Name: 'web',
        Port: 8080,
        Check: { HTTP: fake.url, Interval: '1s' },
      });
      const passing = await waitForStatus(server, 'web', 'service:web-1', 'passing');
      expect(passing.Output).toContain(`HTTP GET ${fake.url}: 200`);
      expect(fake.userAgents).toContain('Switchboard Health Check');

      fake.code = 500;
      const critical = await waitForStatus(server, 'web', 'service:web-1', 'critical');
      expect(critical.Output).toContain('500');

      fake.code = 429;
      const warning = await waitForStatus(server, 'web', 'service:web-1', 'warning');
      expect(warning.Output).toContain('429');

      fake.code = 200;
      await waitForStatus(server, 'web', 'service:web-1', 'passing');

      // Deregistering the service stops its probes (one already in flight may still land).
      await api(server, 'PUT', '/v1/agent/service/deregister/web-1');
      await sleep(1500);
      const seen = fake.requests;
      await sleep(2500);
      expect(fake.requests, 'probes after deregistration').toBe(seen);
    });

    it('TCP: passing while the port listens, critical once it is closed', async () => {
      const listener: TcpServer = createTcpServer((socket) => socket.end());
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const addr = listener.address();
      if (addr === null || typeof addr !== 'object') throw new Error('no port');
      await api(server, 'PUT', '/v1/agent/service/register', {
        ID: 'db-1',
        Name: 'db',
        Port: addr.port,
        Check: { CheckID: 'db-tcp', Name: 'db port', TCP: `127.0.0.1:${addr.port}`, Interval: '1s' },
      });
      await waitForStatus(server, 'db', 'db-tcp', 'passing');
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      const critical = await waitForStatus(server, 'db', 'db-tcp', 'critical');
      expect(critical.Output).toMatch(/127\.0\.0\.1:\d+/);
    });

    it('TTL: a pass makes it passing, passes before expiry keep it so, silence turns it critical with "TTL expired"', async () => {
      await api(server, 'PUT', '/v1/agent/service/register', { ID: 'worker-1', Name: 'worker', Port: 9000, Check: { TTL: '2s' } });
      expect((await getCheck(server, 'worker', 'service:worker-1'))?.Status).toBe('critical');

      await api(server, 'PUT', '/v1/agent/check/pass/service:worker-1?note=alive');
      const first = await getCheck(server, 'worker', 'service:worker-1');
      expect(first).toMatchObject({ Status: 'passing', Output: 'alive' });

      // Identical passes every 0.5 s for 3.5 s, well past the 2 s TTL. Each one changes nothing
      // in the store, so only the runner's refreshed deadline keeps the check from expiring; an
      // expiry in between would also have moved the check's ModifyIndex.
      for (let i = 0; i < 7; i++) {
        await sleep(500);
        expect((await getCheck(server, 'worker', 'service:worker-1'))?.Status, `before pass ${i + 1}`).toBe('passing');
        await api(server, 'PUT', '/v1/agent/check/pass/service:worker-1?note=alive');
      }
      const refreshed = await getCheck(server, 'worker', 'service:worker-1');
      expect(refreshed).toMatchObject({ Status: 'passing', Output: 'alive', ModifyIndex: first!.ModifyIndex });

      const expired = await waitForStatus(server, 'worker', 'service:worker-1', 'critical');
      expect(expired.Output).toMatch(/TTL expired/);

      // /v1/agent/check/update refreshes the deadline as well.
      await api(server, 'PUT', '/v1/agent/check/update/service:worker-1', { Status: 'warning', Output: 'degraded' });
      expect(await getCheck(server, 'worker', 'service:worker-1')).toMatchObject({ Status: 'warning', Output: 'degraded' });
      const expiredAgain = await waitForStatus(server, 'worker', 'service:worker-1', 'critical');
      expect(expiredAgain.Output).toMatch(/TTL expired/);
    });

    it('a status written by a re-registration or the catalog API does not stop the check from running', async () => {
      const down = await startFakeService();
      down.code = 503;
      try {
        const register = (status?: string): Promise<unknown> =>
          api(server, 'PUT', '/v1/agent/service/register', {
            ID: 'flaky-1',
            Name: 'flaky',
            Port: 7300,
            Checks: [
              { CheckID: 'flaky-http', Name: 'flaky http', HTTP: down.url, Interval: '1s', Status: status },
              { CheckID: 'flaky-ttl', Name: 'flaky ttl', TTL: '2s', Status: status },
            ],
          });
        await register();
        await waitForStatus(server, 'flaky', 'flaky-http', 'critical');
        await api(server, 'PUT', '/v1/agent/check/pass/flaky-ttl');
        await waitForStatus(server, 'flaky', 'flaky-ttl', 'critical');

        // Re-registering with Status "passing" writes passing; the failing probe and the
        // expiring TTL must still bring both back to critical.
        await register('passing');
        expect((await getCheck(server, 'flaky', 'flaky-ttl'))?.Status).toBe('passing');
        await waitForStatus(server, 'flaky', 'flaky-http', 'critical');
        expect((await waitForStatus(server, 'flaky', 'flaky-ttl', 'critical')).Output).toMatch(/TTL expired/);

        // The same after a status written through /v1/catalog/register for the agent's node.
        await api(server, 'PUT', '/v1/catalog/register', {
          Node: 'agent-1',
          Address: '127.0.0.1',
          Checks: [
            { CheckID: 'flaky-http', Name: 'flaky http', ServiceID: 'flaky-1', Status: 'passing', Definition: { HTTP: down.url, Interval: '1s' } },
          ],
        });
        await waitForStatus(server, 'flaky', 'flaky-http', 'critical');
      } finally {
        await down.close();
      }
    });
  });
});

describe('health checks after a restart on the same data dir', () => {
  let dataDir: string;
  let fake: FakeService;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-health-restart-'));
    fake = await startFakeService();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the last status, runs the HTTP check again and re-arms TTL deadlines', async () => {
    fake.code = 200;
    server = await startOn(dataDir);
    await api(server, 'PUT', '/v1/agent/service/register', {
      ID: 'api-1',
      Name: 'api',
      Port: 7000,
      Checks: [
        { CheckID: 'api-http', Name: 'api http', HTTP: fake.url, Interval: '1s' },
        { CheckID: 'api-ttl', Name: 'api ttl', TTL: '2s' },
      ],
    });
    await waitForStatus(server, 'api', 'api-http', 'passing');
    await api(server, 'PUT', '/v1/agent/check/pass/api-ttl');
    await server.close();
    server = undefined;

    server = await startOn(dataDir);
    // The persisted statuses come back as they were (a restart does not flap checks to critical).
    expect((await getCheck(server, 'api', 'api-http'))?.Status).toBe('passing');
    expect((await getCheck(server, 'api', 'api-ttl'))?.Status).toBe('passing');

    // The HTTP check is probed again by the new server...
    fake.code = 500;
    await waitForStatus(server, 'api', 'api-http', 'critical');
    fake.code = 200;
    await waitForStatus(server, 'api', 'api-http', 'passing');
    // ...and the TTL check, never passed since the restart, expires.
    const ttl = await waitForStatus(server, 'api', 'api-ttl', 'critical');
    expect(ttl.Output).toMatch(/TTL expired/);
  });
});

// The runner raises DeregisterCriticalServiceAfter to at least one minute (its
// minDeregisterAfterMs default, as in Consul), and ServerOptions has no way to lower it,
// so this case takes over a minute: it runs only when SWITCHBOARD_SLOW_TESTS=1.
const SLOW = process.env.SWITCHBOARD_SLOW_TESTS === '1';
describe.skipIf(!SLOW)('DeregisterCriticalServiceAfter (slow: the minimum is 1 minute; set SWITCHBOARD_SLOW_TESTS=1)', () => {
  let dataDir: string;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('removes a service (and its sidecar) whose check stays critical for the minimum of 1m', { timeout: 120_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-health-dereg-'));
    server = await startOn(dataDir);
    await api(server, 'PUT', '/v1/agent/service/register', {
      ID: 'doomed-1',
      Name: 'doomed',
      Port: 7100,
      Check: { TTL: '1s', DeregisterCriticalServiceAfter: '1m' },
      Connect: { SidecarService: {} },
    });
    await api(server, 'PUT', '/v1/agent/service/register', {
      ID: 'kept-1',
      Name: 'kept',
      Port: 7200,
      Check: { TTL: '10m', DeregisterCriticalServiceAfter: '1m' },
    });
    await api(server, 'PUT', '/v1/agent/check/pass/service:kept-1');

    const deadline = Date.now() + 100_000;
    for (;;) {
      const services = (await api(server, 'GET', '/v1/agent/services')) as Record<string, unknown>;
      if (!('doomed-1' in services)) {
        expect(services).not.toHaveProperty('doomed-1-sidecar-proxy');
        expect(services).toHaveProperty('kept-1');
        break;
      }
      if (Date.now() > deadline) throw new Error('doomed-1 was not deregistered within 100 s');
      await sleep(1000);
    }
    expect(await getCheck(server, 'doomed', 'service:doomed-1')).toBeUndefined();
  });
});
