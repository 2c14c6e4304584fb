/** Field groups shared by several entry kinds: header modifiers, mesh gateway, expose, regexes. */
import { re2SyntaxError } from '../intentions/index.ts';
import { child, compact, type EntryReader, type JsonObject } from './reader.ts';
import type { ExposeConfig, HeaderModifiers, MeshGatewayConfig, MeshGatewayMode, TransparentProxyConfig } from './types.ts';

const MESH_GATEWAY_MODES: readonly MeshGatewayMode[] = ['', 'none', 'local', 'remote'];

export function readMeshGateway(r: EntryReader, obj: JsonObject, key: string, path: string): MeshGatewayConfig | undefined {
  if (obj[key] === undefined) return undefined;
  const s = r.struct(obj[key], child(path, key), ['Mode']);
  if (!s) return undefined;
  return compact({ Mode: r.oneOf(s, 'Mode', child(path, key), MESH_GATEWAY_MODES, { lowerCase: true }) });
}

export function readHeaderModifiers(r: EntryReader, obj: JsonObject, key: string, path: string): HeaderModifiers | undefined {
  if (obj[key] === undefined) return undefined;
  const p = child(path, key);
  const s = r.struct(obj[key], p, ['Add', 'Set', 'Remove']);
  if (!s) return undefined;
  return compact({ Add: r.stringMap(s, 'Add', p), Set: r.stringMap(s, 'Set', p), Remove: r.strings(s, 'Remove', p) });
}

export function readExpose(r: EntryReader, obj: JsonObject, key: string, path: string): ExposeConfig | undefined {
  if (obj[key] === undefined) return undefined;
  const p = child(path, key);
  const s = r.struct(obj[key], p, ['Checks', 'Paths']);
  if (!s) return undefined;
  const paths = r.array(s, 'Paths', p, (item, ip) => {
    const e = r.struct(item, ip, ['ListenerPort', 'Path', 'LocalPathPort', 'Protocol']);
    if (!e) return undefined;
    const pathValue = r.string(e, 'Path', ip);
    if (pathValue !== undefined && !pathValue.startsWith('/')) r.error(child(ip, 'Path'), `${JSON.stringify(pathValue)} must begin with "/"`);
    return compact({
      ListenerPort: r.number(e, 'ListenerPort', ip, { integer: true, min: 0, max: 65535 }),
      Path: pathValue,
      LocalPathPort: r.number(e, 'LocalPathPort', ip, { integer: true, min: 0, max: 65535 }),
      Protocol: r.oneOf(e, 'Protocol', ip, ['http', 'http2'] as const, { lowerCase: true }),
    });
  });
  return compact({ Checks: r.boolean(s, 'Checks', p), Paths: paths });
}

export function readTransparentProxy(r: EntryReader, obj: JsonObject, key: string, path: string): TransparentProxyConfig | undefined {
  if (obj[key] === undefined) return undefined;
  const p = child(path, key);
  const s = r.struct(obj[key], p, ['OutboundListenerPort', 'DialedDirectly']);
  if (!s) return undefined;
  return compact({
    OutboundListenerPort: r.number(s, 'OutboundListenerPort', p, { integer: true, min: 0, max: 65535 }),
    DialedDirectly: r.boolean(s, 'DialedDirectly', p),
  });
}

/** Reports a regular expression Envoy would reject, checked with RE2 itself (shared with intentions). */
export function checkRegex(r: EntryReader, value: string | undefined, path: string): void {
  if (value === undefined) return;
  const problem = re2SyntaxError(value);
  if (problem !== undefined) r.error(path, `${JSON.stringify(value)} is not a valid RE2 regular expression (${problem})`);
}

// Names end up in SNI and cluster names, which are DNS-like.
const SUBSET_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when a subset name is usable in an SNI label: lower-case letters, digits and dashes. */
export function isValidSubsetName(name: string): boolean {
  return SUBSET_NAME.test(name);
}

/** Exactly one of the listed keys is set (a value of `false` for a boolean counts as unset). */
export function countSet(obj: JsonObject, keys: readonly string[]): string[] {
  return keys.filter((k) => obj[k] !== undefined && obj[k] !== false);
}
