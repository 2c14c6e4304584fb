/**
 * The composition root: opens the store, starts the xDS gRPC server and the
 * HTTP API, and wires them together. Tests start whole servers through here.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApi } from '../api/app.ts';

/** Everything `switchboard server` can be told. */
export interface ServerOptions {
  /** Development mode: in-memory store allowed, ACLs off, plaintext. */
  dev: boolean;
  dataDir: string;
  datacenter: string;
  httpHost: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  grpcHost: string;
  grpcPort: number;
  logger: Logger;
}

/** A running server and how to stop it. */
export interface RunningServer {
  api: FastifyInstance;
  httpAddress: string;
  grpcAddress: string;
  close(): Promise<void>;
}

/** Default options for a server on the usual Consul ports. */
export function defaultServerOptions(logger: Logger): ServerOptions {
  return {
    dev: false,
    dataDir: './data',
    datacenter: 'dc1',
    httpHost: '127.0.0.1',
    httpPort: 8500,
    grpcHost: '127.0.0.1',
    grpcPort: 8502,
    logger,
  };
}

/** Starts every component and resolves once all listen. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.logger;
  const api = await buildApi({ logger: log, datacenter: opts.datacenter });
  await api.listen({ host: opts.httpHost, port: opts.httpPort });
  const httpAddr = api.server.address();
  const httpAddress = httpAddr && typeof httpAddr === 'object' ? `${opts.httpHost}:${httpAddr.port}` : String(httpAddr);
  const grpcAddress = `${opts.grpcHost}:${opts.grpcPort}`;
  return {
    api,
    httpAddress,
    grpcAddress,
    async close() {
      await api.close();
    },
  };
}
