/**
 * CA rotation under live proxyless traffic: the cert files that
 * `switchboard certs --watch` keeps fresh are picked up by gRPC's
 * file_watcher provider, the server presents its new leaf, no RPC fails,
 * and a peer that still trusts only the old root accepts the new leaf (its
 * chain carries the new root cross-signed by the old one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watchCertFiles } from '../../cli/cert-files.ts';
import { buildGrpcBootstrap, GRPC_CERT_PROVIDER_INSTANCE } from '../../xds/bootstrap/grpc.ts';
import { eventually, freePort, meshClient, registerNative, REPO, startMesh, startWhoami, type MeshHarness, type MeshServer, type WhoamiClient } from './harness.ts';

let h: MeshHarness;
let api: MeshServer;
let certsWatch: ChildProcess;
const stopWatching = new AbortController();
const clients: WhoamiClient[] = [];

interface Leaf { CertPEM: string; PrivateKeyPEM: string; SerialNumber: string }
interface Roots { ActiveRootID: string; Roots: { ID: string; RootCert: string; Active: boolean }[] }

function bootstrap(serviceId: string, service: string, certDir: string): string {
  return JSON.stringify(buildGrpcBootstrap({
    serviceId, serviceName: service, namespace: 'default', datacenter: 'dc1', xdsServerUri: h.grpcAddr, certDir,
    certificateProviderInstance: GRPC_CERT_PROVIDER_INSTANCE,
  }));
}

/** The serial number (hex, upper case) of the certificate api-1 presents in a TLS handshake. */
async function presentedSerial(client: Leaf, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, cert: client.CertPEM, key: client.PrivateKeyPEM, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.destroy();
      resolve(serial.toUpperCase());
    });
    s.on('error', reject);
  });
}

const normSerial = (s: string): string => s.replace(/:/g, '').toUpperCase().replace(/^0+/, '');

beforeAll(async () => {
  h = await startMesh({ defaultAllow: true });
  const port = await freePort();
  await registerNative(h, 'api-1', 'api', port);
  await registerNative(h, 'web-1', 'web', 0);
  // api-1's files are kept fresh by the real CLI, web-1's by the same code in-process.
  const apiDir = join(h.tmp, 'api-1');
  certsWatch = spawn(process.execPath, ['bin/switchboard.mjs', 'certs', '--service-id', 'api-1', '--dir', apiDir, '--watch', '--http-addr', h.httpAddr], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let watchOut = '';
  certsWatch.stderr?.on('data', (c: Buffer) => (watchOut += c.toString()));
  expect(await eventually(async () => watchOut.includes('wrote certificates'), 20_000, 50), watchOut).toBe(true);
  const webDir = join(h.tmp, 'web-1');
  await new Promise<void>((resolve, reject) => void watchCertFiles({ baseUrl: `http://${h.httpAddr}` }, 'web', webDir, stopWatching.signal, resolve).catch(reject));
  // A frozen copy: a peer that never learns about the new root.
  cpSync(webDir, join(h.tmp, 'web-frozen'), { recursive: true });
  api = await startWhoami('api-1', port, bootstrap('api-1', 'api', apiDir));
}, 40_000);

afterAll(async () => {
  stopWatching.abort();
  for (const c of clients) c.close();
  certsWatch?.kill('SIGTERM');
  await api?.close();
  await h?.close();
});

it('rotates the CA under traffic without a failed RPC, and old-root peers still accept the new leaf', async () => {
  const web = meshClient('api', bootstrap('web-1', 'web', join(h.tmp, 'web-1')));
  clients.push(web);
  expect(await web.call()).toBe('api-1');
  const before = (await h.api('GET', '/v1/agent/connect/ca/roots')) as Roots;
  const webLeaf = (await h.api('GET', '/v1/agent/connect/ca/leaf/web')) as Leaf;

  let calls = 0;
  const failures: string[] = [];
  let running = true;
  const traffic = (async () => {
    while (running) {
      const r = await web.attempt(2000);
      calls++;
      if (!r.ok) failures.push(r.message);
      await new Promise((res) => setTimeout(res, 10));
    }
  })();

  await h.api('PUT', '/v1/connect/ca/configuration', { Provider: 'consul', Config: { PrivateKeyType: 'ec', PrivateKeyBits: 384 } });
  const after = (await h.api('GET', '/v1/agent/connect/ca/roots')) as Roots;
  expect(after.ActiveRootID).not.toBe(before.ActiveRootID);
  expect(after.Roots.map((r) => r.ID)).toContain(before.ActiveRootID);

  // api-1 presents its new leaf (issued under the new root) once the watcher rewrote its files and gRPC reloaded them.
  const newRoot = new X509Certificate(after.Roots.find((r) => r.Active)!.RootCert);
  const switched = await eventually(async () => {
    const leaf = (await h.api('GET', '/v1/agent/connect/ca/leaf/api')) as Leaf;
    const cert = new X509Certificate(leaf.CertPEM);
    if (cert.issuer !== newRoot.subject) return false;
    return normSerial(await presentedSerial(webLeaf, api.port)) === normSerial(cert.serialNumber);
  }, 15_000, 200);
  expect(switched, 'api-1 presents a leaf from the new root').toBe(true);
  const apiChain = readFileSync(join(h.tmp, 'api-1', 'cert.pem'), 'utf8');
  expect(apiChain.match(/BEGIN CERTIFICATE/g)?.length, 'leaf plus the cross-signed new root').toBe(2);

  running = false;
  await traffic;
  expect(calls).toBeGreaterThan(10);
  expect(failures).toEqual([]);

  // New handshakes: a fresh client on the fresh files, and one whose files predate the rotation.
  const fresh = meshClient('api', bootstrap('web-1', 'web', join(h.tmp, 'web-1')));
  const frozen = meshClient('api', bootstrap('web-1', 'web', join(h.tmp, 'web-frozen')));
  clients.push(fresh, frozen);
  expect(await fresh.call()).toBe('api-1');
  expect(await frozen.call()).toBe('api-1');
}, 40_000);
