/** policy: what others may use of intentions (and, later, the discovery-chain compiler). */
export * from './intentions/index.ts';
export {
  validateConfigEntry,
  entryLabel,
  ConfigEntrySet,
  entryKey,
  DEFAULT_PARTITION,
  CONFIG_ENTRY_KINDS,
  SERVICE_PROTOCOLS,
  L7_PROTOCOLS,
  LOAD_BALANCER_POLICIES,
} from './config-entries/index.ts';
export type * from './config-entries/types.ts';
export * from './chain/index.ts';
