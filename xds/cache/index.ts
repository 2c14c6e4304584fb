/** The resource cache: encoded resources with content-hash versions, watched by the ADS server. */
export type { ConfigWatcher, WatchRequest, WatchResponse, CancelWatch } from './watch.ts';
export {
  encodeResource,
  resourceNameOf,
  InvalidResourceError,
  type Resource,
  type ResourceObject,
  type EncodedAny,
  type DeltaResourceWrapper,
} from './resource.ts';
export { findFieldError } from './check-fields.ts';
export {
  SnapshotCache,
  type SnapshotInput,
  type NodeSnapshot,
  type SnapshotChange,
  type SetSnapshotOptions,
  type CacheStats,
} from './snapshot-cache.ts';
export { snapshotConsistencyErrors } from './consistency.ts';
