/** Small builders for config entries used by the chain and validation tests. */
import type {
  ConfigEntry,
  ProxyDefaultsEntry,
  ResolverSubset,
  ServiceDefaultsEntry,
  ServiceProtocol,
  ServiceResolverEntry,
  ServiceRoute,
  ServiceRouterEntry,
  ServiceSplit,
  ServiceSplitterEntry,
} from '../../policy/index.ts';

export function makeProxyDefaults(protocol: ServiceProtocol, extra: Partial<ProxyDefaultsEntry> = {}): ProxyDefaultsEntry {
  return { Kind: 'proxy-defaults', Name: 'global', Config: { protocol }, ...extra };
}

export function makeServiceDefaults(name: string, protocol: ServiceProtocol, extra: Partial<ServiceDefaultsEntry> = {}): ServiceDefaultsEntry {
  return { Kind: 'service-defaults', Name: name, Protocol: protocol, ...extra };
}

export function makeRouter(name: string, routes: ServiceRoute[]): ServiceRouterEntry {
  return { Kind: 'service-router', Name: name, Routes: routes };
}

export function makeSplitter(name: string, splits: ServiceSplit[]): ServiceSplitterEntry {
  return { Kind: 'service-splitter', Name: name, Splits: splits };
}

export function makeResolver(name: string, extra: Partial<ServiceResolverEntry> = {}): ServiceResolverEntry {
  return { Kind: 'service-resolver', Name: name, ...extra };
}

/** Subsets selecting instances by `Service.Meta.version`. */
export function versionSubsets(...versions: string[]): Record<string, ResolverSubset> {
  const out: Record<string, ResolverSubset> = {};
  for (const v of versions) out[`v${v}`] = { Filter: `Service.Meta.version == ${v}` };
  return out;
}

/** The example: `/admin` on web goes to admin, split 90/10 between admin's v1 and v2. */
export function adminExample(): ConfigEntry[] {
  return [
    makeProxyDefaults('http'),
    makeRouter('web', [{ Match: { HTTP: { PathPrefix: '/admin' } }, Destination: { Service: 'admin' } }]),
    makeSplitter('admin', [
      { Weight: 90, ServiceSubset: 'v1' },
      { Weight: 10, ServiceSubset: 'v2' },
    ]),
    makeResolver('admin', { Subsets: versionSubsets('1', '2') }),
  ];
}
