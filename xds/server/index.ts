/** The ADS gRPC server (state-of-the-world and delta) and the status it reports. */
export { XdsServer, XDS_GRPC_SERVER_OPTIONS, type XdsServerOptions, type XdsLimits, type XdsTls } from './ads-server.ts';
export { flavourOf } from './node-flavour.ts';
export {
  adsServiceDefinition,
  type AdsServiceDefinition,
  type OutgoingDiscoveryResponse,
  type OutgoingDeltaDiscoveryResponse,
} from './service-definitions.ts';
export type { ProxyStatus, TypeStatus, VersionStamp, NackRecord, ProxyFlavour, AdsMode } from './proxy-status.ts';
export { csdsServiceDefinition, clientStatus } from './csds.ts';
export type { HeldResources } from './ads-stream.ts';
export { aclStreamAuthorizer, registeredServiceOf, XDS_TOKEN_METADATA, type StreamAuthorizer, type StreamDecision, type AclStreamAuthorizerOptions } from './authorize.ts';
export { tallyOf, type StreamTally } from './stream-tally.ts';
export { CONVERGENCE_BUCKETS, type XdsTraffic, type StreamObserver } from './traffic.ts';
