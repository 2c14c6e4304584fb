/** proxy-defaults: mesh-wide proxy settings; there is one, named "global". */
import { readExpose, readMeshGateway, readTransparentProxy } from './common-fields.ts';
import { child, compact, describe, type EntryReader, type JsonObject } from './reader.ts';
import { SERVICE_PROTOCOLS, type ProxyDefaultsEntry } from './types.ts';

export const PROXY_DEFAULTS_FIELDS = ['Config', 'Mode', 'TransparentProxy', 'MeshGateway', 'Expose'] as const;

/** Reads the kind-specific fields of a proxy-defaults entry (common fields are read by the caller). */
export function readProxyDefaults(r: EntryReader, obj: JsonObject, name: string): Omit<ProxyDefaultsEntry, 'Kind' | 'Name'> {
  if (name !== 'global') r.error('Name', `must be "global" for proxy-defaults, got ${JSON.stringify(name)}`);
  let config: Record<string, unknown> | undefined;
  const rawConfig = obj['Config'];
  if (rawConfig !== undefined) {
    if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) {
      r.error('Config', `must be an object, got ${describe(rawConfig)}`);
    } else {
      config = { ...(rawConfig as Record<string, unknown>) };
      const protocol = config['protocol'];
      if (protocol !== undefined) {
        if (typeof protocol !== 'string' || !(SERVICE_PROTOCOLS as readonly string[]).includes(protocol.toLowerCase())) {
          r.error(child('Config', 'protocol'), `${JSON.stringify(protocol)} is not one of ${SERVICE_PROTOCOLS.join(', ')}`);
        } else {
          config['protocol'] = protocol.toLowerCase();
        }
      }
    }
  }
  return compact({
    Config: config,
    Mode: r.oneOf(obj, 'Mode', '', ['', 'direct', 'transparent'] as const, { lowerCase: true }),
    TransparentProxy: readTransparentProxy(r, obj, 'TransparentProxy', ''),
    MeshGateway: readMeshGateway(r, obj, 'MeshGateway', ''),
    Expose: readExpose(r, obj, 'Expose', ''),
  });
}
