/** Starts a whole server (real store file, real HTTP listener on port 0) for API tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../cli/logger.ts';
import type { Logger } from 'pino';
import { defaultServerOptions, startServer, type RunningServer, type ServerOptions } from '../../cli/server.ts';

export interface TestServer {
  server: RunningServer;
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A server on 127.0.0.1:0 with its store in a fresh temporary data dir, node name `agent-1`. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-api-'));
  const server = await startServer({
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
  const port = Number(server.httpAddress.split(':').pop());
  return {
    server,
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Options of a quiet in-process server: ACLs off, the store in memory (under `dataDir`), free ports, no DNS. */
export function quietServerOptions(dataDir: string, logger: Logger = silentLogger()): ServerOptions {
  return { ...defaultServerOptions(logger), acl: { enabled: false }, dataDir, inMemory: true, httpPort: 0, grpcPort: 0, dnsPort: -1 };
}
