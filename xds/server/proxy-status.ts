/** What `/v1/xds/proxies` shows about each connected stream. */

/** Proxyless gRPC or an Envoy proxy. */
export type ProxyFlavour = 'envoy' | 'grpc';

/** ADS variant a stream speaks. */
export type AdsMode = 'sotw' | 'delta';

/** A response sent, or the ACK of one. */
export interface VersionStamp {
  version: string;
  nonce: string;
  at: string;
}

/** A rejected response: the proxy kept its previous config. */
export interface NackRecord extends VersionStamp {
  message: string;
  code: number;
}

/** One resource type on one stream. */
export interface TypeStatus {
  typeUrl: string;
  wildcard: boolean;
  /** Names subscribed explicitly, sorted. */
  subscribed: string[];
  /** Names the proxy holds (was sent), sorted. */
  resources: string[];
  lastSent?: VersionStamp;
  lastAcked?: VersionStamp;
  lastNack?: NackRecord;
  /** Requests ignored because their nonce was not the latest sent. */
  staleRequests: number;
}

/** One ADS stream (a proxy can have more than one over time). */
export interface ProxyStatus {
  streamId: number;
  nodeId: string;
  /** node.cluster: the service name for Envoy sidecars. */
  cluster: string;
  flavour: ProxyFlavour;
  mode: AdsMode;
  userAgent: string;
  connectedSince: string;
  /** The proxy stopped reading: pushes wait for its connection to drain, only the latest state per type is kept. */
  backlogged: boolean;
  /** Pushes replaced by a later state before they could be written (intermediate versions the proxy never saw). */
  skippedPushes: number;
  /** By short type name (`clusters`, `endpoints`, ...). */
  types: Record<string, TypeStatus>;
}
