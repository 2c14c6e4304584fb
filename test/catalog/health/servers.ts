/** Real local servers for the probe tests; every one listens on 127.0.0.1:0 and is closed by the caller. */
import { Server, ServerCredentials, status as grpcStatus, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export interface HttpRequestSeen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP server whose handler the test can swap; records every request it sees. */
export async function startHttpServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: HttpRequestSeen[] = [];
  const sockets = new Set<net.Socket>();
  const state = { handler };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      state.handler(req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    seen,
    setHandler(h: typeof handler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTPS server answering 200 "secure" with the given certificate. */
export async function startHttpsServer(tls: { cert: string; key: string }): Promise<RunningServer & { url: string }> {
  const server = https.createServer(tls, (_req, res) => res.end('secure'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain TCP listener that accepts and immediately closes connections. */
export async function startTcpListener(): Promise<RunningServer & { accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port that nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// The test server's own copy of grpc.health.v1, independent of the checker's encoder.
const healthRoot = protobuf.parse(`
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); }
`).root;
const Req = healthRoot.lookupType('grpc.health.v1.HealthCheckRequest');
const Res = healthRoot.lookupType('grpc.health.v1.HealthCheckResponse');

export type ServingStatusName = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/**
 * A gRPC server implementing grpc.health.v1.Health/Check from a map of service name → status
 * (the '' entry is the server as a whole); a name not in the map answers NOT_FOUND, as the
 * reference implementation does.
 */
export async function startGrpcHealthServer(
  statuses: Map<string, ServingStatusName>,
  tls?: { cert: string; key: string },
): Promise<RunningServer & { requests: string[] }> {
  const requests: string[] = [];
  const server = new Server();
  server.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (v: { service: string }) => Buffer.from(Req.encode(Req.create(v)).finish()),
        requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), { defaults: true }) as { service: string },
        responseSerialize: (v: { status: number }) => Buffer.from(Res.encode(Res.create(v)).finish()),
        responseDeserialize: (b: Buffer) => Res.toObject(Res.decode(b), { enums: Number }) as { status: number },
      },
    },
    {
      Check: (call: ServerUnaryCall<{ service: string }, { status: number }>, cb: sendUnaryData<{ status: number }>) => {
        requests.push(call.request.service);
        const s = statuses.get(call.request.service);
        if (s === undefined) {
          cb({ code: grpcStatus.NOT_FOUND, details: 'unknown service' });
          return;
        }
        const enumValues = (Res.lookupEnum('ServingStatus').values as Record<string, number>);
        cb(null, { status: enumValues[s] ?? 0 });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      tls ? ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }]) : ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

/** Polls `cond` every 10 ms until it holds (or throws after `limitMs`, so a broken runner fails instead of hanging). */
export async function waitFor(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
