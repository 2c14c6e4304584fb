/**
 * The xDS port listens with a deep accept queue, so a mass reconnect is not
 * refused at the door. `ss` reports a listening socket's backlog in Send-Q;
 * the kernel caps it at net.core.somaxconn.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../cli/logger.ts';
import { SnapshotCache } from '../../xds/cache/index.ts';
import { XdsServer } from '../../xds/server/index.ts';
import { XDS_LISTEN_BACKLOG } from '../../xds/server/ads-server.ts';

let server: XdsServer;
let port: number;

beforeAll(async () => {
  server = new XdsServer({ cache: new SnapshotCache(), logger: silentLogger() });
  port = await server.listen('127.0.0.1', 0);
});

afterAll(async () => {
  await server?.close();
});

it('listens with the raised backlog (as far as the kernel allows)', () => {
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  const out = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  const fields = out.trim().split(/\s+/);
  // State Recv-Q Send-Q Local Peer: Send-Q of a listening socket is its backlog.
  expect(fields[0]).toBe('LISTEN');
  expect(Number(fields[2])).toBe(Math.min(XDS_LISTEN_BACKLOG, somaxconn));
  // Node's own default would be 511: the test says something only where the kernel allows more.
  expect(Math.min(XDS_LISTEN_BACKLOG, somaxconn)).toBeGreaterThan(511);
});
