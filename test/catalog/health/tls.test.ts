import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeGrpc } from '../../../catalog/health/probe-grpc.ts';
import { probeHttp } from '../../../catalog/health/probe-http.ts';
import { validateCheckDefinition, type ProbeSpec } from '../../../catalog/health/index.ts';
import { selfSignedCert } from './self-signed.ts';
import { startGrpcHealthServer, startHttpsServer } from './servers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

let tls: { cert: string; key: string };
beforeAll(async () => {
  tls = await selfSignedCert();
});

function probeOf<T extends ProbeSpec['type']>(def: Record<string, unknown>, type: T): Extract<ProbeSpec, { type: T }> {
  const v = validateCheckDefinition({ CheckID: 'c', Interval: '10s', ...def });
  if (!v.ok || v.value.probe.type !== type) throw new Error(v.ok ? `expected ${type}` : v.errors.join('; '));
  return v.value.probe as Extract<ProbeSpec, { type: T }>;
}

describe('TLS probes against a self-signed server', () => {
  it('HTTPS: critical when the certificate is not trusted, passing with TLSSkipVerify', async () => {
    const s = await startHttpsServer(tls);
    cleanups.push(s.close);
    const strict = await probeHttp(probeOf({ HTTP: s.url }, 'http'), { timeoutMs: 5000 });
    expect(strict.Status).toBe('critical');
    expect(strict.Output).toMatch(/self[- ]signed certificate/);
    const relaxed = await probeHttp(probeOf({ HTTP: s.url, TLSSkipVerify: true }, 'http'), { timeoutMs: 5000 });
    expect(relaxed).toEqual({ Status: 'passing', Output: `HTTP GET ${s.url}: 200 OK Output: secure` });
  });

  it('gRPC: GRPCUseTLS with TLSSkipVerify reaches a self-signed server; without skip it is critical', async () => {
    const s = await startGrpcHealthServer(new Map([['', 'SERVING']]), tls);
    cleanups.push(s.close);
    const target = `127.0.0.1:${s.port}`;
    const relaxed = await probeGrpc(probeOf({ GRPC: target, GRPCUseTLS: true, TLSSkipVerify: true }, 'grpc'), { timeoutMs: 5000 });
    expect(relaxed).toEqual({ Status: 'passing', Output: `gRPC check ${target}: success` });
    const strict = await probeGrpc(probeOf({ GRPC: target, GRPCUseTLS: true }, 'grpc'), { timeoutMs: 2000 });
    expect(strict.Status).toBe('critical');
    const plain = await probeGrpc(probeOf({ GRPC: target }, 'grpc'), { timeoutMs: 2000 });
    expect(plain.Status).toBe('critical');
  });
});
