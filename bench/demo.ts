/**
 * `npm run demo`: a whole Switchboard server (dev mode, in memory, default
 * intention policy allow) and a small proxyless gRPC mesh in one process —
 * two `api` instances (grpc-js-xds XdsServers) and a `web` client that calls
 * `xds:///api` every 500 ms over mTLS from Switchboard's CA and prints who
 * answered. Ports come from DEMO_HTTP_PORT (8500), DEMO_GRPC_PORT (8502) and
 * DEMO_DNS_PORT (8600; -1 turns DNS off); 0 picks free ones. Ctrl-C stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '../cli/logger.ts';
import { watchCertFiles } from '../cli/cert-files.ts';
import { defaultServerOptions, startServer } from '../cli/server.ts';
import { buildGrpcBootstrap, GRPC_CERT_PROVIDER_INSTANCE } from '../xds/bootstrap/grpc.ts';

// grpc-js-xds reads this once, when it is first loaded: RBAC filters (intentions) are refused without it.
process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';
const grpcXds = await import('@grpc/grpc-js-xds');
grpcXds.register();

/** A per-object bootstrap, so one process can hold several mesh identities. */
const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';
const HOST = '127.0.0.1';
const bytes = (b: Buffer): Buffer => b;
const WHOAMI_PATH = '/switchboard.demo.Api/WhoAmI';
const apiService: grpc.ServiceDefinition = {
  WhoAmI: { path: WHOAMI_PATH, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes },
};

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -1 || n > 65535) throw new Error(`${name}: expected a port number (0 picks a free one), got "${raw}"`);
  return n;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const server = await startServer({
  ...defaultServerOptions(createLogger(process.env['DEMO_LOG_LEVEL'] ?? 'warn')),
  dev: true,
  inMemory: true,
  nodeName: 'demo',
  httpPort: portFromEnv('DEMO_HTTP_PORT', 8500),
  grpcPort: portFromEnv('DEMO_GRPC_PORT', 8502),
  dnsPort: portFromEnv('DEMO_DNS_PORT', 8600),
  defaultIntentionPolicy: 'allow',
});
const http = `http://${server.httpAddress}`;
const tmp = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
const stopWatching = new AbortController();
const closers: Array<() => void> = [];

async function api(method: 'PUT' | 'GET', path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${http}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** Registers a Connect-native instance, keeps its cert files fresh, and returns its gRPC bootstrap (JSON text). */
async function enrol(id: string, service: string, port: number): Promise<string> {
  await api('PUT', '/v1/agent/service/register', {
    ID: id, Name: service, Address: HOST, Port: port, Connect: { Native: true }, Check: { CheckID: `${id}-ttl`, TTL: '1h', Status: 'passing' },
  });
  const certDir = join(tmp, id);
  // What `switchboard certs --watch` does: the file_watcher provider in the bootstrap picks the files up.
  await new Promise<void>((resolve, reject) => {
    watchCertFiles({ baseUrl: http }, service, certDir, stopWatching.signal, () => resolve()).catch(reject);
  });
  return JSON.stringify(buildGrpcBootstrap({
    serviceId: id, serviceName: service, namespace: 'default', datacenter: 'dc1',
    xdsServerUri: server.grpcAddress, certDir, certificateProviderInstance: GRPC_CERT_PROVIDER_INSTANCE,
  }));
}

/** Starts an api instance that answers with its id; resolves once it serves (after Switchboard sent its Listener). */
async function startApi(id: string): Promise<void> {
  const port = await freePort();
  const bootstrap = await enrol(id, 'api', port);
  const srv = new grpcXds.XdsServer({ [BOOTSTRAP_OPTION]: bootstrap, drainGraceTimeMs: 1000 } as ConstructorParameters<typeof grpcXds.XdsServer>[0]);
  srv.addService(apiService, { WhoAmI: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(id)) });
  await new Promise<void>((resolve, reject) =>
    srv.bindAsync(`${HOST}:${port}`, new grpcXds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()), (err) => (err ? reject(err) : resolve())),
  );
  closers.push(() => srv.forceShutdown());
  say(`api instance ${id} serving on ${HOST}:${port} (mTLS, configured over xDS)`);
}

await startApi('api-1');
await startApi('api-2');
const webBootstrap = await enrol('web-1', 'web', 0);
const Client = grpc.makeGenericClientConstructor(apiService, 'Api');
const web = new Client('xds:///api', new grpcXds.XdsChannelCredentials(grpc.credentials.createInsecure()), { [BOOTSTRAP_OPTION]: webBootstrap });
closers.push(() => web.close());

const dnsPort = server.dns?.udpPort;
say('');
say(`Switchboard is running: HTTP API ${http}, xDS ${server.grpcAddress}${dnsPort !== undefined ? `, DNS ${HOST}:${dnsPort}` : ''}`);
say('Things to look at:');
say(`  curl -s ${http}/v1/xds/proxies            # every connected proxy: what it asked for, got, ACKed`);
say(`  curl -s ${http}/v1/catalog/services`);
say(`  curl -s ${http}/v1/health/service/api`);
say(`  curl -X PUT ${http}/v1/agent/check/fail/api-1-ttl   # watch web move to api-2; .../pass/ brings it back`);
if (dnsPort !== undefined) say(`  dig @${HOST} -p ${dnsPort} api.service.consul SRV`);
say('Ctrl-C stops the demo.');
say('');

let n = 0;
const timer = setInterval(() => {
  const seq = ++n;
  const started = process.hrtime.bigint();
  web.makeUnaryRequest(WHOAMI_PATH, bytes, bytes, Buffer.from('hi'), new grpc.Metadata(), { deadline: Date.now() + 2000 }, (err: grpc.ServiceError | null, res?: Buffer) => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (err) say(`#${seq} web -> xds:///api failed: ${err.message}`);
    else say(`#${seq} web -> xds:///api answered by ${res?.toString()} in ${ms.toFixed(1)} ms`);
  });
}, 500);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  stopWatching.abort();
  for (const close of closers.reverse()) close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
  say('demo stopped');
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
