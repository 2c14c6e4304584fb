/** A minimal client of Switchboard's own HTTP API, for CLI commands. */

/** Where the API is and which token to send. */
export interface ApiTarget {
  /** Base URL, e.g. `http://127.0.0.1:8500`. */
  baseUrl: string;
  token?: string;
}

/** A failed API call, with the server's plain-text message. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GETs a JSON document; with `index`, a blocking query. Returns the body and X-Consul-Index. */
export async function apiGet<T>(
  target: ApiTarget,
  path: string,
  opts: { index?: number; wait?: string; signal?: AbortSignal } = {},
): Promise<{ body: T; index: number }> {
  const url = new URL(path, target.baseUrl);
  if (opts.index !== undefined) url.searchParams.set('index', String(opts.index));
  if (opts.wait !== undefined) url.searchParams.set('wait', opts.wait);
  const headers: Record<string, string> = {};
  if (target.token) headers['X-Consul-Token'] = target.token;
  const res = await fetch(url, { headers, signal: opts.signal });
  const text = await res.text();
  if (!res.ok) throw new ApiCallError(res.status, `GET ${url.pathname}: ${res.status} ${text.trim()}`);
  return { body: JSON.parse(text) as T, index: Number(res.headers.get('x-consul-index') ?? 0) };
}

/** Turns `host:port` or a URL into a base URL. */
export function httpBaseUrl(addr: string): string {
  return /^https?:\/\//.test(addr) ? addr.replace(/\/+$/, '') : `http://${addr}`;
}
