/** Public API of xds/: protos, type URLs, the resource cache and the ADS server. */
export { envoyRoot, messageType, ENVOY_PROTO_FILES, PROTO_INCLUDE_DIRS } from './protos.ts';
export * from './type-urls.ts';
export * from './cache/index.ts';
export * from './server/index.ts';
