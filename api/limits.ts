/**
 * Request limits of the HTTP API, each with a clear error when breached:
 * body size (413, fastify's bodyLimit), JSON nesting depth (400), header
 * size (431, Node's maxHeaderSize), parked blocking queries per client
 * address (429). Every refused request (4xx other than 404) is logged once
 * with its reason; the log carries the method, the path without its query
 * string (a `?token=` never reaches the log) and the client address.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ApiError } from './errors.ts';

/** The configurable bounds; every field has a default. */
export interface ApiLimits {
  /** Largest request body in bytes (413). */
  bodyLimit: number;
  /** Deepest JSON nesting of objects and arrays in a body (400). */
  maxJsonDepth: number;
  /** Largest request head (request line + headers) in bytes (431). */
  maxHeaderSize: number;
  /** Blocking queries (`?index=`) one client address may have parked at once (429). */
  maxParkedQueriesPerClient: number;
}

/** Defaults: generous for any real client, small enough that abuse is cheap to refuse. */
export const DEFAULT_API_LIMITS: Readonly<ApiLimits> = {
  bodyLimit: 512 * 1024,
  maxJsonDepth: 64,
  maxHeaderSize: 16 * 1024,
  maxParkedQueriesPerClient: 512,
};

/** Fills the defaults in and checks every value is a positive integer (error names the field). */
export function resolveApiLimits(given: Partial<ApiLimits> = {}): ApiLimits {
  const out = { ...DEFAULT_API_LIMITS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as ApiLimits;
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isInteger(v) || (v as number) <= 0) throw new Error(`limits.${k}: must be a positive integer, got ${String(v)}`);
  }
  return out;
}

/**
 * The nesting depth of JSON text, stopping as soon as it passes `max`
 * (so a hostile body costs one linear scan and no parse). Brackets inside
 * strings do not count.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The 400 for a body nested deeper than the limit. */
export const tooDeep = (max: number): ApiError =>
  new ApiError('BAD_REQUEST', 400, `Request decode failed: JSON nesting deeper than ${max} levels (limit maxJsonDepth)`);

const reasons = new WeakMap<FastifyRequest, string>();

/** Records why a request was refused, for the one log line its response writes. */
export function noteRejection(req: FastifyRequest, reason: string): void {
  reasons.set(req, reason.length > 300 ? `${reason.slice(0, 300)}…` : reason);
}

const pathOf = (url: string): string => {
  const p = url.split('?')[0] ?? '';
  return p.length > 200 ? `${p.slice(0, 200)}…` : p;
};

/** One registered route: method and URL pattern (`/v1/catalog/service/:service`). */
export interface KnownRoute {
  method: string;
  url: string;
}

const routeLists = new WeakMap<FastifyInstance, KnownRoute[]>();

/** Every route registered on an app built by buildApi (for diagnostics and the fuzz tests). */
export function knownRoutes(app: FastifyInstance): readonly KnownRoute[] {
  return routeLists.get(app) ?? [];
}

/** Hooks: the parked-query limit and the refusal log; also records the route list. */
export function installRequestLimits(app: FastifyInstance, limits: ApiLimits, logger: Logger): void {
  const routes: KnownRoute[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method: m, url: r.url });
  });
  const parked = new Map<string, number>();
  const log = logger.child({ component: 'api' });
  const counted = new WeakSet<FastifyRequest>();
  const release = (req: FastifyRequest): void => {
    if (!counted.has(req)) return;
    counted.delete(req);
    const n = (parked.get(req.ip) ?? 1) - 1;
    if (n > 0) parked.set(req.ip, n);
    else parked.delete(req.ip);
  };
  app.addHook('onRequest', async (req) => {
    // A GET with `?index=N` (N > 0) may park; count it until its response is done.
    if (req.method !== 'GET' || !/[?&]index=0*[1-9]/.test(req.url)) return;
    const n = parked.get(req.ip) ?? 0;
    if (n >= limits.maxParkedQueriesPerClient) {
      throw new ApiError(
        'TOO_MANY_REQUESTS',
        429,
        `Too many blocking queries from ${req.ip}: ${n} are waiting (limit maxParkedQueriesPerClient = ${limits.maxParkedQueriesPerClient})`,
      );
    }
    parked.set(req.ip, n + 1);
    counted.add(req);
    // 'close' fires whether the answer was sent or the client went away.
    req.raw.once('close', () => release(req));
  });
  app.addHook('onResponse', async (req, reply) => {
    release(req);
    const status = reply.statusCode;
    if (status < 400 || status >= 500 || status === 404) return;
    log.info({ method: req.method, path: pathOf(req.url), client: req.ip, status, reason: reasons.get(req) ?? 'refused' }, 'request refused');
  });
}

/** Answers protocol errors (431 oversized head, 400 unparsable request) on a raw socket, logging each once. */
export function clientErrorHandler(logger: Logger): (err: Error & { code?: string }, socket: Socket) => void {
  const log = logger.child({ component: 'api' });
  return (err, socket) => {
    // HPE_CLOSED_CONNECTION: bytes after a request that asked to close (e.g. a DELETE body sent without a
    // length); its response is already on the wire, and a second one would corrupt the exchange.
    if (err.code === 'ECONNRESET' || err.code === 'HPE_CLOSED_CONNECTION' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const text = tooLarge ? 'Request header fields too large (limit maxHeaderSize)' : `Bad request: ${err.code ?? 'malformed HTTP'}`;
    log.info({ client: socket.remoteAddress, status, reason: err.code ?? err.message }, 'request refused');
    const body = Buffer.from(text);
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`,
    );
  };
}
