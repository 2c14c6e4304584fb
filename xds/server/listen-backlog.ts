/**
 * The listen backlog of the xDS port. grpc-js listens with Node's default
 * backlog (511 pending connections). When thousands of proxies reconnect at
 * once (a control-plane restart), connections beyond it are refused or their
 * SYNs dropped, and each such proxy waits out gRPC's reconnect backoff (1 s,
 * growing ×1.6 with jitter): in the 10,000-proxy benchmark a few proxies
 * synced only after 70 s although the server was idle after 20 s. grpc-js
 * has no option for it, so its HTTP/2 servers are made to listen with the
 * backlog asked for (the kernel caps it at net.core.somaxconn).
 */
import type * as grpc from '@grpc/grpc-js';

type Listen = (address: unknown, ...rest: unknown[]) => unknown;
interface Http2ServerLike {
  listen: Listen;
}
interface GrpcServerInternals {
  createHttp2Server?: (credentials: unknown) => Http2ServerLike;
}

/**
 * Makes every port `server` binds from now on listen with `backlog` pending
 * connections. Returns false (and changes nothing) if this grpc-js version
 * does not create its servers the way this relies on.
 */
export function raiseListenBacklog(server: grpc.Server, backlog: number): boolean {
  const internals = server as unknown as GrpcServerInternals;
  const create = internals.createHttp2Server;
  if (typeof create !== 'function') return false;
  internals.createHttp2Server = function (this: unknown, credentials: unknown): Http2ServerLike {
    const http2Server = create.call(this, credentials);
    const listen = http2Server.listen;
    http2Server.listen = function (this: unknown, address: unknown, ...rest: unknown[]): unknown {
      const withBacklog = address !== null && typeof address === 'object' && !('backlog' in address) ? { ...address, backlog } : address;
      return listen.call(this, withBacklog, ...rest);
    };
    return http2Server;
  };
  return true;
}
