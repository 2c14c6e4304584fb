/** HTTP check: 2xx passing, 429 warning, anything else (or no answer in time) critical. */
import http, { STATUS_CODES, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { DEFAULT_MAX_OUTPUT_BYTES, truncateOutput } from './output.ts';
import { describeMs, type ProbeOptions, type ProbeResult } from './probe.ts';
import type { CheckStatus, ProbeSpec } from './types.ts';

type HttpProbe = Extract<ProbeSpec, { type: 'http' }>;

/** Identifies the prober to the service; a definition's own User-Agent header replaces it. */
export const HEALTH_CHECK_USER_AGENT = 'Switchboard Health Check';

// Same limit as Go's http.Client, which Consul's checks inherit.
const MAX_REDIRECTS = 10;

// Shared pools for keep-alive mode; idle sockets are closed after 30 s so that a removed
// check does not hold a connection to its service for long.
const keepAliveAgents = {
  http: new http.Agent({ keepAlive: true, timeout: 30_000, scheduling: 'lifo' }),
  https: new https.Agent({ keepAlive: true, timeout: 30_000, scheduling: 'lifo' }),
};

/** Maps an HTTP status code to a check status the way Consul does. */
export function statusForHttpCode(code: number): CheckStatus {
  if (code >= 200 && code <= 299) return 'passing';
  if (code === 429) return 'warning';
  return 'critical';
}

/**
 * Sends the check's request (following up to 10 redirects) and reports
 * `HTTP <METHOD> <url>: <code> <text> Output: <first 4 KB of body>`.
 */
export async function probeHttp(spec: HttpProbe, opts: ProbeOptions): ProbeResult {
  const prefix = `HTTP ${spec.method} ${spec.url}`;
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, spec.timeoutMs);
  const onAbort = (): void => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) ac.abort();
  try {
    let url = new URL(spec.url);
    let method = spec.method;
    let body = spec.body;
    for (let hop = 0; ; hop++) {
      const res = await send(url, method, body, spec, opts.keepAlive === true, ac.signal);
      const code = res.statusCode ?? 0;
      const location = res.headers.location;
      if (code >= 300 && code <= 399 && code !== 304 && location !== undefined) {
        res.resume();
        if (hop >= MAX_REDIRECTS) return { Status: 'critical', Output: `${prefix}: stopped after ${MAX_REDIRECTS} redirects` };
        url = new URL(location, url);
        // Like browsers and Go: 303 always, and 301/302 for anything but GET/HEAD, become a GET without body.
        if (code === 303 || ((code === 301 || code === 302) && method !== 'GET' && method !== 'HEAD')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
        }
        continue;
      }
      const text = await readPrefix(res, maxBytes);
      const reason = res.statusMessage || STATUS_CODES[code] || '';
      return { Status: statusForHttpCode(code), Output: `${prefix}: ${code} ${reason} Output: ${truncateOutput(text, maxBytes)}` };
    }
  } catch (err) {
    if (timedOut) return { Status: 'critical', Output: `${prefix}: timed out after ${describeMs(spec.timeoutMs)}` };
    if (ac.signal.aborted) return { Status: 'critical', Output: `${prefix}: check cancelled` };
    return { Status: 'critical', Output: `${prefix}: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function send(
  url: URL,
  method: string,
  body: string | undefined,
  spec: HttpProbe,
  keepAlive: boolean,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const headers: Record<string, string | string[]> = {
    'user-agent': HEALTH_CHECK_USER_AGENT,
    accept: 'text/plain, text/*, */*',
  };
  for (const [name, values] of Object.entries(spec.headers)) headers[name.toLowerCase()] = values;
  const isHttps = url.protocol === 'https:';
  const options: https.RequestOptions = {
    method,
    headers,
    signal,
    // Without keep-alive every probe opens a fresh connection, as Consul's do, so a service
    // that stopped accepting connections is noticed even if an old one still works.
    agent: keepAlive ? (isHttps ? keepAliveAgents.https : keepAliveAgents.http) : false,
  };
  if (isHttps) {
    options.rejectUnauthorized = !spec.tlsSkipVerify;
    if (spec.tlsServerName !== undefined) options.servername = spec.tlsServerName;
  }
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(url, options, resolve);
    req.once('error', reject);
    req.end(body);
  });
}

// Reads at most maxBytes of the body, then drops the connection rather than draining a large or endless body.
function readPrefix(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      res.off('data', onData);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) {
        done();
        res.destroy();
      }
    };
    res.on('data', onData);
    res.once('end', done);
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('response aborted')));
  });
}
