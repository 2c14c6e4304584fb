/**
 * A whole Switchboard server plus real proxyless gRPC services (grpc-js-xds
 * XdsServer and xds:/// channels over mTLS from our CA), for end-to-end mesh
 * tests. Each gRPC server and channel gets its own bootstrap through the
 * channel option grpc-js-xds reads for tests, so one process can hold many
 * identities.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../cli/logger.ts';
import { defaultServerOptions, startServer, type RunningServer } from '../../cli/server.ts';
import { refreshCertFiles } from '../../cli/cert-files.ts';
import { buildGrpcBootstrap, GRPC_CERT_PROVIDER_INSTANCE } from '../../xds/bootstrap/grpc.ts';
import { grpcXds } from './grpc-xds.ts';

/** The channel/server option grpc-js-xds reads a per-object bootstrap from (JSON text). */
export const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

const identity = (b: Buffer): Buffer => b;

function unary(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
}

/** `WhoAmI`: bytes in, `<instance id>` out; `Admin`: the same answer on another path (for L7 intentions). */
export const whoamiService: grpc.ServiceDefinition = {
  WhoAmI: unary('/switchboard.test.Mesh/WhoAmI'),
  Admin: unary('/switchboard.test.Mesh/Admin'),
};

const WhoAmIClient = grpc.makeGenericClientConstructor(whoamiService, 'Mesh');

/** Where a control plane answers, and a way to call its HTTP API. */
export interface MeshApi {
  httpAddr: string;
  grpcAddr: string;
  /** A temporary folder removed on close. */
  tmp: string;
  /** One HTTP API call; throws on anything but 2xx. */
  api(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
}

/** An in-process server of the whole control plane. */
export interface MeshHarness extends MeshApi {
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts an in-memory server on ephemeral ports, DNS off. */
export async function startMesh(opts: { defaultAllow: boolean }): Promise<MeshHarness> {
  const tmp = mkdtempSync(join(tmpdir(), 'sb-mesh-'));
  const server = await startServer({
    ...defaultServerOptions(silentLogger()),
    dev: true,
    inMemory: true,
    dataDir: tmp,
    httpPort: 0,
    grpcPort: 0,
    dnsPort: -1,
    nodeName: 'mesh-agent',
    coalesceMs: 10,
    ...(opts.defaultAllow ? { defaultIntentionPolicy: 'allow' as const } : {}),
  });
  const httpAddr = server.httpAddress;
  return {
    server,
    httpAddr,
    grpcAddr: server.grpcAddress,
    tmp,
    api: (method, path, body) => apiCall(httpAddr, method, path, body),
    async close() {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** One HTTP API call; throws on anything but 2xx. */
async function apiCall(httpAddr: string, method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://${httpAddr}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** A port that was free a moment ago on 127.0.0.1 (XdsServer needs its port before it binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Registers a Connect-native service instance with a TTL check `<id>-ttl-id` that starts passing (`extra` adds fields, e.g. Meta). */
export async function registerNative(h: MeshApi, id: string, name: string, port: number, extra: Record<string, unknown> = {}): Promise<void> {
  await h.api('PUT', '/v1/agent/service/register', {
    ID: id,
    Name: name,
    Address: '127.0.0.1',
    Port: port,
    Connect: { Native: true },
    Check: { CheckID: `${id}-ttl-id`, TTL: '10m', Status: 'passing' },
    ...extra,
  });
}

/** Writes a service's cert files and returns its gRPC bootstrap as JSON text (in-process, no CLI). */
export async function grpcBootstrapFor(h: MeshApi, serviceId: string, service: string): Promise<string> {
  const certDir = join(h.tmp, `certs-${serviceId}`);
  await refreshCertFiles({ baseUrl: `http://${h.httpAddr}` }, service, certDir);
  return JSON.stringify(
    buildGrpcBootstrap({
      serviceId,
      serviceName: service,
      namespace: 'default',
      datacenter: 'dc1',
      xdsServerUri: h.grpcAddr,
      certDir,
      certificateProviderInstance: GRPC_CERT_PROVIDER_INSTANCE,
    }),
  );
}

const execFileAsync = promisify(execFile);
/** The repository root (where bin/switchboard.mjs lives). */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real CLI, `switchboard bootstrap grpc`, and returns what it printed (the bootstrap JSON text). */
export async function cliGrpcBootstrap(h: MeshApi, serviceId: string): Promise<{ json: string; certDir: string }> {
  const certDir = join(h.tmp, `cli-certs-${serviceId}`);
  const { stdout } = await execFileAsync(
    process.execPath,
    ['bin/switchboard.mjs', 'bootstrap', 'grpc', '--service-id', serviceId, '--cert-dir', certDir, '--http-addr', h.httpAddr, '--grpc-addr', h.grpcAddr],
    { cwd: REPO, timeout: 20_000 },
  );
  return { json: stdout, certDir };
}

/** A running proxyless gRPC server. */
export interface MeshServer {
  id: string;
  port: number;
  /** Requests it answered. */
  served: number;
  close(): Promise<void>;
}

/**
 * Starts a whoami XdsServer on 127.0.0.1:port with the given bootstrap and
 * resolves once it serves (it opens the port only after its Listener arrives).
 */
export async function startWhoami(id: string, port: number, bootstrap: string, timeoutMs = 15_000): Promise<MeshServer> {
  const { XdsServer, XdsServerCredentials } = grpcXds;
  const server = new XdsServer({ [BOOTSTRAP_OPTION]: bootstrap, 'grpc.enable_channelz': 0, drainGraceTimeMs: 100 } as ConstructorParameters<typeof XdsServer>[0]);
  const out: MeshServer = {
    id,
    port,
    served: 0,
    close: () => new Promise<void>((resolve) => {
      server.forceShutdown();
      resolve();
    }),
  };
  const answer = (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void => {
    out.served++;
    cb(null, Buffer.from(id));
  };
  server.addService(whoamiService, { WhoAmI: answer, Admin: answer });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      reject(new Error(`XdsServer ${id} did not start serving on 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    server.bindAsync(`127.0.0.1:${port}`, new XdsServerCredentials(grpc.ServerCredentials.createInsecure()), (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
  return out;
}

/** A client of the whoami service. */
export class WhoamiClient {
  private readonly client: grpc.Client;

  /** An xds:/// channel (with a bootstrap) or a plain channel (without). */
  constructor(target: string, creds: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    // A pool of its own: a client must never reuse another identity's connection.
    this.client = new WhoAmIClient(target, creds, { 'grpc.enable_channelz': 0, 'grpc.use_local_subchannel_pool': 1, ...options });
  }

  /** One RPC (WhoAmI unless told); resolves with the instance id that answered. */
  call(deadlineMs = 3000, method: 'WhoAmI' | 'Admin' = 'WhoAmI'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        whoamiService[method]!.path,
        identity,
        identity,
        Buffer.from('who'),
        new grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (err: grpc.ServiceError | null, res?: Buffer) => (err ? reject(err) : resolve(res?.toString() ?? '')),
      );
    });
  }

  /** The outcome of one RPC: the instance id, or the error's code and message. */
  async attempt(deadlineMs = 3000, method: 'WhoAmI' | 'Admin' = 'WhoAmI'): Promise<{ ok: true; id: string } | { ok: false; code: number; message: string }> {
    try {
      return { ok: true, id: await this.call(deadlineMs, method) };
    } catch (err) {
      const e = err as grpc.ServiceError;
      return { ok: false, code: e.code, message: e.message };
    }
  }

  close(): void {
    this.client.close();
  }
}

/** A client channel to `xds:///<service>` carrying its own bootstrap, mTLS from xDS. */
export function meshClient(service: string, bootstrap: string): WhoamiClient {
  return new WhoamiClient(`xds:///${service}`, new grpcXds.XdsChannelCredentials(grpc.credentials.createInsecure()), { [BOOTSTRAP_OPTION]: bootstrap });
}

/** Counts which instances answer over `n` RPCs (errors counted under `error`). */
export async function tally(client: WhoamiClient, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await client.attempt();
    const key = r.ok ? r.id : 'error';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sends windows of `window` RPCs until one is answered by exactly the `expected` instances (and no error), or `timeoutMs` passes. */
export async function untilOnly(client: WhoamiClient, expected: readonly string[], timeoutMs: number, window = 12): Promise<boolean> {
  return eventually(async () => {
    const t = await tally(client, window);
    const keys = Object.keys(t).sort();
    return JSON.stringify(keys) === JSON.stringify([...expected].sort());
  }, timeoutMs, 0);
}

/** A control plane run as `switchboard server` in a child process, which can be killed and started again. */
export interface MeshProcess extends MeshApi {
  /** SIGTERM, and resolves once the process has exited. */
  stop(): Promise<void>;
  /** Starts it again with the same data dir and ports; resolves once the API answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `switchboard server --dev` (store in a temporary data dir, fixed free ports, DNS off). */
export async function startMeshProcess(opts: { defaultAllow: boolean }): Promise<MeshProcess> {
  const tmp = mkdtempSync(join(tmpdir(), 'sb-mesh-proc-'));
  const httpAddr = `127.0.0.1:${await freePort()}`;
  const grpcAddr = `127.0.0.1:${await freePort()}`;
  let child: ChildProcess | undefined;
  let stderr = '';
  const start = async (): Promise<void> => {
    const args = ['bin/switchboard.mjs', '--log-level', 'warn', 'server', '--dev', '--data-dir', tmp, '--node-name', 'mesh-agent',
      '--http-addr', httpAddr, '--grpc-addr', grpcAddr, '--dns-addr', 'off', '--default-intention-policy', opts.defaultAllow ? 'allow' : 'deny'];
    const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child = proc;
    const up = await eventually(async () => {
      if (proc.exitCode !== null) return true;
      return fetch(`http://${httpAddr}/v1/status/leader`).then((r) => r.ok, () => false);
    }, 20_000, 100);
    if (!up || proc.exitCode !== null) throw new Error(`switchboard server did not start: ${stderr}`);
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    httpAddr,
    grpcAddr,
    tmp,
    api: (method, path, body) => apiCall(httpAddr, method, path, body),
    stop,
    start,
    async close() {
      await stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
