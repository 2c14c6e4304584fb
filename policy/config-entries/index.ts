/** Config entries (proxy-defaults, service-defaults, service-router, service-splitter, service-resolver): types, validation, lookup. */
export { validateConfigEntry, entryLabel } from './validate-entry.ts';
export { ConfigEntrySet, entryKey, DEFAULT_NAMESPACE, DEFAULT_PARTITION } from './entry-set.ts';
export { CONFIG_ENTRY_KINDS, SERVICE_PROTOCOLS, L7_PROTOCOLS, LOAD_BALANCER_POLICIES } from './types.ts';
export type * from './types.ts';
