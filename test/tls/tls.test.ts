/**
 * TLS on the HTTPS API and the xDS port, with the server certificate issued
 * by the built-in CA (or given as files), verified by real clients against
 * the CA's roots.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Consul from 'consul';
import { startServer, type RunningServer, type ServerOptions } from '../../cli/server.ts';
import { quietServerOptions } from '../api/server-harness.ts';
import { adsServiceDefinition, CLUSTER_TYPE } from '../../xds/index.ts';
import { AdsTestStream, makeNode, type SotwResponse } from '../xds/ads-client.ts';
import type { DiscoveryRequest } from '../../xds/generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
import { makeCluster } from '../xds/fixtures.ts';

const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
const dirs: string[] = [];

async function start(tls: ServerOptions['tls']): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  dirs.push(dir);
  return startServer({
    ...quietServerOptions(dir),
    tls,
  });
}

const portOf = (addr: string): number => Number(addr.split(':').pop());

function get(
  server: RunningServer,
  path: string,
  tls: { ca?: string; cert?: string; key?: string; servername?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: portOf(server.httpsAddress!), path, method: 'GET', ...tls, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a SotW stream asking for clusters and resolves with the first response or the stream's error. */
async function firstClusters(address: string, creds: grpc.ChannelCredentials, nodeId: string): Promise<SotwResponse | grpc.ServiceError> {
  const client = new AdsClient(address, creds, { 'grpc.enable_channelz': 0 }) as grpc.Client & Record<string, () => unknown>;
  const call = client['StreamAggregatedResources']!() as grpc.ClientDuplexStream<DiscoveryRequest, SotwResponse>;
  const s = new AdsTestStream(call);
  try {
    s.send({ node: makeNode(nodeId), type_url: CLUSTER_TYPE });
    return await Promise.race([s.next(5000), s.ended().then((e) => e ?? new Error('stream ended') as grpc.ServiceError)]);
  } catch (err) {
    return s.error ?? (err as grpc.ServiceError);
  } finally {
    s.close();
    client.close();
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('certificate issued by the built-in CA', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ httpsPort: 0, grpc: true });
    server.xdsCache.setSnapshot('web-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
  });
  afterAll(async () => server?.close());

  it('the server certificate chains to the CA roots and names localhost, server.dc1.consul and 127.0.0.1', async () => {
    expect(server.tlsCaPem).toBe(server.ca.rootsPem());
    const res = await get(server, '/v1/status/leader', { ca: server.tlsCaPem });
    expect(res.status).toBe(200);
    const byName = await get(server, '/v1/status/leader', { ca: server.tlsCaPem, servername: 'localhost' });
    expect(byName.status).toBe(200);
  });

  it('the same certificate as seen on the wire: SANs and issuer', async () => {
    const der = await new Promise<Buffer>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: portOf(server.httpsAddress!), path: '/v1/status/leader', ca: server.tlsCaPem, agent: false }, (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.resume();
        resolve(cert.raw);
      });
      req.on('error', reject);
      req.end();
    });
    const cert = new X509Certificate(der);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('DNS:server.dc1.consul');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const root = new X509Certificate(server.ca.rootsPem());
    expect(cert.verify(root.publicKey)).toBe(true);
  });

  it('a client without the CA refuses the certificate', async () => {
    await expect(get(server, '/v1/status/leader', {})).rejects.toThrow(/certificate/i);
  });

  it('the plain HTTP port keeps answering (as Consul: 8500 plaintext, 8501 TLS)', async () => {
    const res = await server.api.inject({ method: 'GET', url: '/v1/status/leader' });
    expect(res.statusCode).toBe(200);
    expect(server.httpsAddress).not.toBe(server.httpAddress);
  });

  it('the Consul client library talks to the HTTPS port with secure: true and the CA', async () => {
    const agent = new HttpsAgent({ ca: server.tlsCaPem, keepAlive: false });
    const consul = new Consul({ host: '127.0.0.1', port: portOf(server.httpsAddress!), secure: true, agent } as never);
    await consul.agent.service.register({ name: 'tls-web', id: 'tls-web-1', port: 8080 });
    const services = (await consul.catalog.service.nodes('tls-web')) as Array<{ ServiceID: string }>;
    expect(services.map((s) => s.ServiceID)).toEqual(['tls-web-1']);
    agent.destroy();
  });

  it('an ADS stream over TLS, verifying the server with the CA root, gets its resources', async () => {
    const r = await firstClusters(server.grpcAddress, grpc.credentials.createSsl(Buffer.from(server.tlsCaPem!)), 'web-sidecar');
    expect(r).toMatchObject({ type_url: CLUSTER_TYPE });
    expect((r as SotwResponse).resources).toHaveLength(1);
  });

  it('a plaintext gRPC client cannot use the TLS xDS port', async () => {
    const r = await firstClusters(server.grpcAddress, grpc.credentials.createInsecure(), 'web-sidecar');
    expect(r).toBeInstanceOf(Error);
    expect((r as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('a TLS client that does not trust the CA cannot connect', async () => {
    const r = await firstClusters(server.grpcAddress, grpc.credentials.createSsl(), 'web-sidecar');
    expect((r as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe('renewal', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ httpsPort: 0, grpc: true });
    server.xdsCache.setSnapshot('web-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
  });
  afterAll(async () => server?.close());

  it('after a CA rotation, a client trusting only the new root reaches both TLS ports', async () => {
    const oldRoot = server.ca.roots().Roots.find((r) => r.Active)!.RootCert;
    await server.ca.rotate();
    const newRoot = server.ca.roots().Roots.find((r) => r.Active)!.RootCert;
    expect(newRoot).not.toBe(oldRoot);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await get(server, '/v1/status/leader', { ca: newRoot }).then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
    expect(server.tlsCaPem).toContain(newRoot.trim());
    const r = await firstClusters(server.grpcAddress, grpc.credentials.createSsl(Buffer.from(newRoot)), 'web-sidecar');
    expect((r as SotwResponse).resources).toHaveLength(1);
    // The renewed chain carries the new root cross-signed by the old one: clients not yet told of the rotation keep working.
    expect((await get(server, '/v1/status/leader', { ca: oldRoot })).status).toBe(200);
  });
});

describe('--tls-verify-incoming', () => {
  let server: RunningServer;
  let client: { cert: string; key: string };
  beforeAll(async () => {
    server = await start({ httpsPort: 0, grpc: true, verifyIncoming: true });
    server.xdsCache.setSnapshot('web-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
    const leaf = await server.ca.issueLeafCertificate('web');
    client = { cert: leaf.cert.CertPEM, key: leaf.cert.PrivateKeyPEM };
  });
  afterAll(async () => server?.close());

  it('HTTPS refuses a client without a certificate and serves one with a CA-signed certificate', async () => {
    await expect(get(server, '/v1/status/leader', { ca: server.tlsCaPem })).rejects.toThrow();
    const ok = await get(server, '/v1/status/leader', { ca: server.tlsCaPem, ...client });
    expect(ok.status).toBe(200);
  });

  it('xDS refuses a client without a certificate and serves one with a CA-signed certificate', async () => {
    const root = Buffer.from(server.tlsCaPem!);
    const refused = await firstClusters(server.grpcAddress, grpc.credentials.createSsl(root), 'web-sidecar');
    expect((refused as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    const served = await firstClusters(
      server.grpcAddress,
      grpc.credentials.createSsl(root, Buffer.from(client.key), Buffer.from(client.cert)),
      'web-sidecar',
    );
    expect((served as SotwResponse).resources).toHaveLength(1);
  });
});

describe('certificate given as files', () => {
  let issuer: RunningServer;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    issuer = await start({ httpsPort: 0, grpc: false });
  });
  afterAll(async () => issuer?.close());
  afterEach(async () => server?.close());

  it('serves the given certificate, and tells clients the given CA', async () => {
    // A certificate from another CA (the issuer server's), so it differs from the new server's own CA.
    const dir = mkdtempSync(join(tmpdir(), 'sb-tls-files-'));
    dirs.push(dir);
    const { issueServerCertificate, catalogCAStateStore } = await import('../../ca/index.ts');
    const other = await issueServerCertificate(catalogCAStateStore(issuer.store), { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(dir, 'cert.pem'), other.certPem);
    writeFileSync(join(dir, 'key.pem'), other.keyPem);
    writeFileSync(join(dir, 'ca.pem'), other.caPem);
    server = await start({ httpsPort: 0, grpc: true, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), caFile: join(dir, 'ca.pem') });
    expect(server.tlsCaPem).toBe(other.caPem);
    expect(server.tlsCaPem).not.toBe(server.ca.rootsPem());
    expect((await get(server, '/v1/status/leader', { ca: other.caPem })).status).toBe(200);
    await expect(get(server, '/v1/status/leader', { ca: server.ca.rootsPem() })).rejects.toThrow();
  });

  it('a key file without a certificate file is refused, naming both flags', async () => {
    await expect(start({ httpsPort: 0, grpc: true, keyFile: '/nonexistent' })).rejects.toThrow(/--tls-cert-file and --tls-key-file/);
  });

  it('a missing file is refused naming its flag', async () => {
    await expect(start({ httpsPort: 0, grpc: true, certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' })).rejects.toThrow(
      /--tls-cert-file: cannot read/,
    );
  });
});

describe('without tls options', () => {
  it('startServer starts no HTTPS listener and a plaintext xDS port', async () => {
    const server = await start(undefined);
    try {
      expect(server.httpsAddress).toBeUndefined();
      expect(server.tlsCaPem).toBeUndefined();
      server.xdsCache.setSnapshot('web-sidecar', { [CLUSTER_TYPE]: [makeCluster('web')] });
      const r = await firstClusters(server.grpcAddress, grpc.credentials.createInsecure(), 'web-sidecar');
      expect((r as SotwResponse).resources).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
