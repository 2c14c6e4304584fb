/** The mesh engine: catalog and CA changes → per-proxy resources in the cache. */
export { MeshEngine, type MeshEngineOptions, type ProxyProblem } from './mesh-engine.ts';
export { caIdentitySource } from './identity.ts';
