/** The catalog: state store interface, SQLite backend, catalog types and queries. */
export type * from './types.ts';
export { HEALTH_STATUSES } from './types.ts';
export type { CatalogStore, CheckQuery } from './store.ts';
export { openSqliteStore, SqliteCatalogStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { WatchHub } from './watch-hub.ts';
export { topic, topicsOfEvent } from './topics.ts';
export { aggregateStatus, isHealthStatus } from './health-status.ts';
export {
  serviceHealth,
  serviceTopics,
  healthyInstances,
  type ServiceHealthEntry,
  type ServiceHealthOptions,
  type HealthyInstance,
} from './queries.ts';
export { parseDuration, tryParseDuration, formatDuration } from './durations.ts';
export { buildCheck, checkType, type AgentCheckDefinition, type Validated } from './check-definition.ts';
export {
  planServiceRegistration,
  maintenanceCheckId,
  MAINTENANCE_CHECK_PREFIX,
  SIDECAR_PORT_MIN,
  SIDECAR_PORT_MAX,
  type AgentServiceDefinition,
} from './agent-registration.ts';
export { registerAgentNode, SERF_HEALTH_CHECK_ID, type AgentIdentity } from './agent-node.ts';
export { AclStore, ACL_STATE_KEY, PENDING_INDEX, type AclState, type AclTokenRecord, type AclPolicyRecord, type AclMutation } from './acl-store.ts';
