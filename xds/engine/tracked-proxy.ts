/** What the mesh engine keeps per connected proxy. */
import type { SnapshotDependencies } from '../snapshot/gather.ts';

/** Why a proxy has no (new) configuration, or which part of what it asked for it cannot have, for `/v1/xds/proxies`. */
export interface ProxyProblem {
  nodeId: string;
  message: string;
  since: string;
}

/** What the engine keeps per connected proxy. */
export interface TrackedProxy {
  watches: number;
  /** Listener names asked for by name (proxyless gRPC); none for a sidecar, which asks for all. */
  listenerNames: Map<string, number> | undefined;
  /** The service whose leaf this proxy carries. */
  identityService: string | undefined;
  problem: ProxyProblem | undefined;
  /** The last build failed: its dependencies may be incomplete (an unknown node id names nothing), so any change retries it. */
  failed: boolean;
  /** What its last published build was made from (see inputsOf); an equal gather needs no build. */
  inputs: readonly unknown[] | undefined;
  /** What its last gather read, as indexed in `dependents`. */
  indexed: SnapshotDependencies | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A proxy just seen, with nothing built yet. */
export function newTrackedProxy(): TrackedProxy {
  return { watches: 0, listenerNames: undefined, identityService: undefined, problem: undefined, failed: false, inputs: undefined, indexed: undefined, idleTimer: undefined };
}
