/** An index over a set of (validated) config entries: lookups by kind, name and namespace, and protocol resolution. */
import type {
  ConfigEntry,
  ConfigEntryKind,
  ProxyDefaultsEntry,
  ServiceDefaultsEntry,
  ServiceProtocol,
  ServiceResolverEntry,
  ServiceRouterEntry,
  ServiceSplitterEntry,
} from './types.ts';

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_PARTITION = 'default';

type ByKind = {
  'proxy-defaults': ProxyDefaultsEntry;
  'service-defaults': ServiceDefaultsEntry;
  'service-router': ServiceRouterEntry;
  'service-splitter': ServiceSplitterEntry;
  'service-resolver': ServiceResolverEntry;
};

/** The key one entry is stored under: kind, namespace and name. */
export function entryKey(kind: ConfigEntryKind, name: string, namespace?: string): string {
  return `${kind}/${namespace || DEFAULT_NAMESPACE}/${name}`;
}

/** Read-only index of config entries; build once per change and share between compilations. */
export class ConfigEntrySet {
  private readonly byKey = new Map<string, ConfigEntry>();

  /** Later entries with the same kind, namespace and name replace earlier ones. */
  constructor(entries: Iterable<ConfigEntry>) {
    for (const e of entries) this.byKey.set(entryKey(e.Kind, e.Name, e.Namespace), e);
  }

  /** Every entry, in a stable order (kind, namespace, name). */
  all(): ConfigEntry[] {
    return [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  }

  get<K extends ConfigEntryKind>(kind: K, name: string, namespace?: string): ByKind[K] | undefined {
    // proxy-defaults is mesh-wide: it ignores the namespace asked for.
    const ns = kind === 'proxy-defaults' ? undefined : namespace;
    return this.byKey.get(entryKey(kind, name, ns)) as ByKind[K] | undefined;
  }

  proxyDefaults(): ProxyDefaultsEntry | undefined {
    return this.get('proxy-defaults', 'global');
  }

  /** A service's protocol: its service-defaults Protocol, else proxy-defaults Config.protocol, else tcp. */
  protocolOf(service: string, namespace?: string): ServiceProtocol {
    const own = this.get('service-defaults', service, namespace)?.Protocol;
    if (own) return own;
    const global = this.proxyDefaults()?.Config?.['protocol'];
    return typeof global === 'string' && global !== '' ? (global.toLowerCase() as ServiceProtocol) : 'tcp';
  }
}
