/**
 * The CLI side of TLS: `switchboard server` turns HTTPS and xDS TLS on by
 * default (off with --dev), and `switchboard bootstrap envoy|grpc` carries
 * the CA so proxies verify the xDS server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../cli/server.ts';
import { quietServerOptions } from '../api/server-harness.ts';
import { runCli } from '../cli/config-dir.ts';

const REPO = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sb-cli-tls-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    ...quietServerOptions(dir),
    tls: { grpc: true },
  });
  const put = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`http://${server.httpAddress}${path}`, { method: 'PUT', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  };
  await put('/v1/agent/service/register', { Name: 'web', Port: 8080, Connect: { SidecarService: {} } });
  await put('/v1/agent/service/register', { Name: 'echo', ID: 'echo-1', Port: 9000, Connect: { Native: true } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Bootstrap = { static_resources: { clusters: Array<{ name: string; transport_socket?: { typed_config: { common_tls_context: { validation_context: { trusted_ca: { inline_string: string } } } } } }> } };

describe('switchboard bootstrap', () => {
  it('envoy --tls puts the CA roots from the server into the xDS cluster', async () => {
    const r = await runCli(['bootstrap', 'envoy', '--proxy-id', 'web-sidecar-proxy', '--http-addr', server.httpAddress, '--grpc-addr', server.grpcAddress, '--tls']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Bootstrap;
    const xds = doc.static_resources.clusters.find((c) => c.name === 'switchboard_xds');
    expect(xds?.transport_socket?.typed_config.common_tls_context.validation_context.trusted_ca.inline_string).toBe(server.tlsCaPem);
  });

  it('envoy --ca-file uses the given file; without either flag xDS stays plaintext', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, server.tlsCaPem!);
    const r = await runCli(['bootstrap', 'envoy', '--proxy-id', 'web-sidecar-proxy', '--http-addr', server.httpAddress, '--ca-file', ca]);
    const xds = (JSON.parse(r.stdout) as Bootstrap).static_resources.clusters.find((c) => c.name === 'switchboard_xds');
    expect(xds?.transport_socket?.typed_config.common_tls_context.validation_context.trusted_ca.inline_string).toBe(server.tlsCaPem);
    const plain = await runCli(['bootstrap', 'envoy', '--proxy-id', 'web-sidecar-proxy', '--http-addr', server.httpAddress]);
    expect((JSON.parse(plain.stdout) as Bootstrap).static_resources.clusters.find((c) => c.name === 'switchboard_xds')?.transport_socket).toBeUndefined();
  });

  it('an unreadable --ca-file is an error naming the flag', async () => {
    const r = await runCli(['bootstrap', 'envoy', '--proxy-id', 'web-sidecar-proxy', '--http-addr', server.httpAddress, '--ca-file', join(dir, 'missing.pem')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--ca-file: cannot read/);
  });

  it('grpc --tls writes the CA next to the certificates and points channel_creds at it', async () => {
    const certDir = join(dir, 'certs');
    const r = await runCli(['bootstrap', 'grpc', '--service-id', 'echo-1', '--cert-dir', certDir, '--http-addr', server.httpAddress, '--grpc-addr', server.grpcAddress, '--tls']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { xds_servers: Array<{ channel_creds: Array<{ type: string; config?: { ca_certificate_file: string } }> }> };
    const creds = doc.xds_servers[0]!.channel_creds[0]!;
    expect(creds.type).toBe('tls');
    expect(creds.config?.ca_certificate_file).toBe(join(certDir, 'xds-ca.pem'));
    expect(readFileSync(join(certDir, 'xds-ca.pem'), 'utf8')).toBe(server.tlsCaPem);
  });
});

describe('switchboard server', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  function run(args: string[]): Promise<string> {
    const data = mkdtempSync(join(tmpdir(), 'sb-cli-tls-srv-'));
    const child = spawn(process.execPath, ['bin/switchboard.mjs', '--log-level', 'error', 'server', '--data-dir', data, '--http-addr', '127.0.0.1:0', '--grpc-addr', '127.0.0.1:0', '--dns-addr', 'off', ...args], { cwd: REPO });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (/\n.*\n/.test(out)) {
          child.kill('SIGKILL');
          rmSync(data, { recursive: true, force: true });
          resolve(out);
        }
      });
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      child.once('exit', (code) => (code === null ? undefined : reject(new Error(`server exited (${code}): ${err}`))));
    });
  }

  it('without --dev: HTTPS API and TLS on xDS', async () => {
    const out = await run(['--no-acl', '--https-addr', '127.0.0.1:0']);
    expect(out).toMatch(/HTTPS API https:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/xDS gRPC 127\.0\.0\.1:\d+ \(TLS\)/);
  });

  it('with --dev: plaintext, no HTTPS listener', async () => {
    const out = await run(['--dev']);
    expect(out).not.toMatch(/HTTPS/);
    expect(out).not.toMatch(/\(TLS\)/);
    expect(out).toMatch(/every port is plaintext/);
  });

  it('a bad limit value is refused naming its flag', async () => {
    const r = await runCli(['server', '--dev', '--max-json-depth', 'deep']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--max-json-depth: expected a positive integer/);
  });
});
