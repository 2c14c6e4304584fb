import { afterEach, describe, expect, it } from 'vitest';
import { probeGrpc } from '../../../catalog/health/probe-grpc.ts';
import { probeHttp } from '../../../catalog/health/probe-http.ts';
import { probeTcp } from '../../../catalog/health/probe-tcp.ts';
import { validateCheckDefinition, type ProbeSpec } from '../../../catalog/health/index.ts';
import { closedPort, startGrpcHealthServer, startHttpServer, startTcpListener, type ServingStatusName } from './servers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function probeOf<T extends ProbeSpec['type']>(def: Record<string, unknown>, type: T): Extract<ProbeSpec, { type: T }> {
  const v = validateCheckDefinition({ CheckID: 'c', Interval: '10s', ...def });
  if (!v.ok) throw new Error(v.errors.join('; '));
  if (v.value.probe.type !== type) throw new Error(`expected ${type}`);
  return v.value.probe as Extract<ProbeSpec, { type: T }>;
}

async function httpServer(handler: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(handler);
  cleanups.push(s.close);
  return s;
}

describe('HTTP probe against a real server', () => {
  it.each([
    [200, 'passing', 'OK'],
    [204, 'passing', 'No Content'],
    [429, 'warning', 'Too Many Requests'],
    [500, 'critical', 'Internal Server Error'],
    [404, 'critical', 'Not Found'],
  ] as const)('%d is %s', async (code, status, reason) => {
    const s = await httpServer((_req, res) => {
      res.writeHead(code);
      res.end(code === 204 ? undefined : `body ${code}`);
    });
    const url = s.url('/health');
    const result = await probeHttp(probeOf({ HTTP: url }, 'http'), { timeoutMs: 5000 });
    expect(result.Status).toBe(status);
    expect(result.Output).toBe(`HTTP GET ${url}: ${code} ${reason} Output: ${code === 204 ? '' : `body ${code}`}`);
  });

  it('sends the method, headers and body of the definition', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const spec = probeOf({ HTTP: s.url('/x?y=1'), Method: 'POST', Header: { 'X-Token': ['a', 'b'], 'User-Agent': ['mine'] }, Body: '{"ping":1}' }, 'http');
    const result = await probeHttp(spec, { timeoutMs: 5000 });
    expect(result.Status).toBe('passing');
    const req = s.seen[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/x?y=1');
    expect(req?.body).toBe('{"ping":1}');
    expect(req?.headers['x-token']).toBe('a, b');
    expect(req?.headers['user-agent']).toBe('mine');
  });

  it('identifies itself when the definition sets no User-Agent', async () => {
    const s = await httpServer((_req, res) => res.end());
    await probeHttp(probeOf({ HTTP: s.url() }, 'http'), { timeoutMs: 5000 });
    expect(s.seen[0]?.headers['user-agent']).toBe('Switchboard Health Check');
  });

  it('keeps only the first 4 KB of the body', async () => {
    const s = await httpServer((_req, res) => res.end('x'.repeat(100_000)));
    const result = await probeHttp(probeOf({ HTTP: s.url() }, 'http'), { timeoutMs: 5000 });
    const body = result.Output.split(' Output: ')[1] ?? '';
    expect(body).toBe('x'.repeat(4096));
  });

  it('is critical with a clear message when the server does not answer in time', async () => {
    const s = await httpServer(() => {
      /* never responds */
    });
    const result = await probeHttp(probeOf({ HTTP: s.url('/slow'), Timeout: '200ms' }, 'http'), { timeoutMs: 200 });
    expect(result).toEqual({ Status: 'critical', Output: `HTTP GET ${s.url('/slow')}: timed out after 200ms` });
  });

  it('is critical when the body stalls after the headers', async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await probeHttp(probeOf({ HTTP: s.url(), Timeout: '200ms' }, 'http'), { timeoutMs: 200 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(/timed out after 200ms/);
  });

  it('is critical when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const result = await probeHttp(probeOf({ HTTP: url }, 'http'), { timeoutMs: 5000 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(new RegExp(`^HTTP GET ${url}: connect ECONNREFUSED`));
  });

  it('follows redirects and reports the final answer', async () => {
    const s = await httpServer((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' });
        res.end();
      } else res.end('moved ok');
    });
    const result = await probeHttp(probeOf({ HTTP: s.url('/old') }, 'http'), { timeoutMs: 5000 });
    expect(result).toEqual({ Status: 'passing', Output: `HTTP GET ${s.url('/old')}: 200 OK Output: moved ok` });
  });

  it('stops after 10 redirects', async () => {
    const s = await httpServer((_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    const result = await probeHttp(probeOf({ HTTP: s.url('/loop') }, 'http'), { timeoutMs: 5000 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(/stopped after 10 redirects/);
    expect(s.seen.length).toBe(11);
  });

  it('settles promptly as cancelled when aborted', async () => {
    const s = await httpServer(() => {});
    const ac = new AbortController();
    const p = probeHttp(probeOf({ HTTP: s.url() }, 'http'), { timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    expect(await p).toMatchObject({ Status: 'critical', Output: expect.stringMatching(/check cancelled$/) });
  });
});

describe('TCP probe', () => {
  it('is passing when a listener accepts', async () => {
    const l = await startTcpListener();
    cleanups.push(l.close);
    const result = await probeTcp('127.0.0.1', l.port, { timeoutMs: 5000 });
    expect(result).toEqual({ Status: 'passing', Output: `TCP connect 127.0.0.1:${l.port}: Success` });
  });

  it('is critical on a closed port', async () => {
    const port = await closedPort();
    const result = await probeTcp('127.0.0.1', port, { timeoutMs: 5000 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(new RegExp(`^TCP connect 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
  });
});

describe('gRPC probe against a real grpc.health.v1 server', () => {
  const statuses = new Map<string, ServingStatusName>([
    ['', 'SERVING'],
    ['web', 'SERVING'],
    ['db', 'NOT_SERVING'],
  ]);

  async function server() {
    const s = await startGrpcHealthServer(statuses);
    cleanups.push(s.close);
    return s;
  }

  it('is passing when the server as a whole is SERVING', async () => {
    const s = await server();
    const result = await probeGrpc(probeOf({ GRPC: `127.0.0.1:${s.port}` }, 'grpc'), { timeoutMs: 5000 });
    expect(result).toEqual({ Status: 'passing', Output: `gRPC check 127.0.0.1:${s.port}: success` });
    expect(s.requests).toEqual(['']);
  });

  it('asks about the service named after the slash', async () => {
    const s = await server();
    const result = await probeGrpc(probeOf({ GRPC: `127.0.0.1:${s.port}/web` }, 'grpc'), { timeoutMs: 5000 });
    expect(result.Status).toBe('passing');
    expect(s.requests).toEqual(['web']);
  });

  it('is critical for NOT_SERVING', async () => {
    const s = await server();
    const result = await probeGrpc(probeOf({ GRPC: `127.0.0.1:${s.port}/db` }, 'grpc'), { timeoutMs: 5000 });
    expect(result).toEqual({ Status: 'critical', Output: `gRPC check 127.0.0.1:${s.port}/db: failed, status NOT_SERVING` });
  });

  it('is critical for an unknown service', async () => {
    const s = await server();
    const result = await probeGrpc(probeOf({ GRPC: `127.0.0.1:${s.port}/nope` }, 'grpc'), { timeoutMs: 5000 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(/rpc error: code = NOT_FOUND desc = unknown service/);
  });

  it('is critical when nothing listens', async () => {
    const port = await closedPort();
    const result = await probeGrpc(probeOf({ GRPC: `127.0.0.1:${port}` }, 'grpc'), { timeoutMs: 2000 });
    expect(result.Status).toBe('critical');
    expect(result.Output).toMatch(/rpc error: code = UNAVAILABLE/);
  });
});
