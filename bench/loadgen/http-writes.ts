/**
 * The benchmark's writes through the HTTP API, as an operator, a health
 * checker or a Consul client library makes them: registrations, a check's
 * status, config entries. Each resolves once the server has acknowledged
 * the write (its HTTP response), which is where convergence is measured
 * from. Requests go through `node:http` with kept-alive connections rather
 * than `fetch`: measured here, `fetch` costs ~0.4 ms of client CPU per
 * request against ~0.05 ms, and churn sends 100 a second on the cores the
 * server runs on.
 */
import http from 'node:http';
import { catalogRegisterBodies, checkStatusBody, type PlannedInstance } from './mesh-plan.ts';

const agent = new http.Agent({ keepAlive: true });

/** `method path` with an optional JSON body; resolves with the response text on a 2xx, rejects naming the request and status otherwise. */
export function httpWrite(httpAddress: string, method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<string> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  const colon = httpAddress.lastIndexOf(':');
  const what = `${method} ${path}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: httpAddress.slice(0, colon),
        port: Number(httpAddress.slice(colon + 1)),
        path,
        method,
        agent,
        headers: json === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) resolve(text);
          else reject(new Error(`${what}: HTTP ${status}: ${text}`));
        });
      },
    );
    req.on('error', (err) => reject(new Error(`${what}: ${err.message}`)));
    req.end(json);
  });
}

/** `PUT /v1/catalog/register` with `body`; resolves once the server acknowledged the write. */
export async function putCatalogRegister(httpAddress: string, body: Record<string, unknown>): Promise<void> {
  await httpWrite(httpAddress, 'PUT', '/v1/catalog/register', body);
}

/**
 * Registers one instance in two writes, application (with its check) then
 * sidecar; resolves when the sidecar's write is acknowledged, which is when
 * the instance becomes an endpoint of its service's mesh clusters.
 */
export async function registerInstanceHttp(httpAddress: string, inst: PlannedInstance, node?: { address: string }): Promise<void> {
  for (const body of catalogRegisterBodies(inst, node)) await putCatalogRegister(httpAddress, body);
}

/**
 * Sets an instance's externally managed check to `status` by registering
 * the check again through `PUT /v1/catalog/register`, as an external health
 * checker does for checks that live on catalog nodes (the agent's check
 * endpoints cover only the server's own node).
 */
export async function setCheckStatusHttp(httpAddress: string, inst: PlannedInstance, status: 'passing' | 'warning' | 'critical', nodeAddress: string): Promise<void> {
  await putCatalogRegister(httpAddress, checkStatusBody(inst, status, nodeAddress));
}

/** `PUT /v1/config` with a config entry; rejects when the server refused it (it answers `false` on a lost CAS only). */
export async function putConfigEntry(httpAddress: string, entry: { Kind: string; Name: string } & Record<string, unknown>): Promise<void> {
  const text = await httpWrite(httpAddress, 'PUT', '/v1/config', entry);
  if (text.trim() !== 'true') throw new Error(`PUT /v1/config ${entry.Kind}/${entry.Name}: answered ${text}`);
}

/** `DELETE /v1/config/<kind>/<name>`. */
export async function deleteConfigEntry(httpAddress: string, kind: string, name: string): Promise<void> {
  await httpWrite(httpAddress, 'DELETE', `/v1/config/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`);
}
