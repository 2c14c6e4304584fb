/**
 * The node a proxy described, without the decoder's filler. Requests are
 * decoded with an empty array for every repeated field and an empty object
 * for every map the proxy left out; a stream keeps its node for as long as
 * the proxy is connected, so those (a few hundred bytes each time) are dropped.
 */
import type { Node__Output } from '../generated/envoy/config/core/v3/Node.ts';

/** `node` without the arrays and objects that arrived empty; what the proxy said is kept as it said it. */
export function compactNode(node: Node__Output): Node__Output {
  return withoutEmpties(node) as Node__Output;
}

// Only what was empty as decoded is dropped: an object that becomes empty once
// its own empty members are gone (an empty Struct in a Value) stays, as the proxy sent it.
function withoutEmpties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpties);
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 0) continue;
    if (isPlainObject(v) && Object.keys(v).length === 0) continue;
    out[k] = withoutEmpties(v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}
