/** Registering planned instances through the HTTP API, as an operator or a Consul client library does. */
import { catalogRegisterBodies, type PlannedInstance } from './mesh-plan.ts';

/** `PUT /v1/catalog/register` with `body`; resolves once the server acknowledged the write, rejects naming the status otherwise. */
export async function putCatalogRegister(httpAddress: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://${httpAddress}/v1/catalog/register`, { method: 'PUT', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT /v1/catalog/register: HTTP ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * Registers one instance in two writes, application (with its check) then
 * sidecar; resolves when the sidecar's write is acknowledged, which is when
 * the instance becomes an endpoint of its service's mesh clusters.
 */
export async function registerInstanceHttp(httpAddress: string, inst: PlannedInstance, node?: { address: string }): Promise<void> {
  for (const body of catalogRegisterBodies(inst, node)) await putCatalogRegister(httpAddress, body);
}
