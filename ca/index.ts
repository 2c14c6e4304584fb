/** The built-in certificate authority: roots, rotation, SPIFFE leaf certificates. */
export { CertificateAuthority, CAConfigError, openCertificateAuthority, isValidServiceName } from './authority.ts';
export type { CertificateAuthorityOptions, LeafRequest } from './authority.ts';
export { LeafManager, RENEW_FRACTION, RENEW_JITTER } from './leaf-manager.ts';
export type { LeafManagerOptions, LeafUpdate, LeafUpdateReason } from './leaf-manager.ts';
export { InMemoryCAStateStore } from './store.ts';
export type { CAStateStore, StoredRecord } from './store.ts';
export {
  validateCAConfiguration,
  defaultCAConfiguration,
  LEAF_TTL_RANGE_MS,
  ROOT_TTL_RANGE_MS,
} from './config.ts';
export type { CAConfiguration, CAProviderConfig, ConfigProblem, PrivateKeyType, ValidationResult } from './config.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { counterSerialSource, randomSerialSource } from './ids.ts';
export type { SerialSource } from './ids.ts';
export type {
  CARoot,
  CARootList,
  CAConfigurationView,
  CAChangeEvent,
  IssuedLeaf,
  IssuedLeafCertificate,
} from './types.ts';
export { catalogCAStateStore } from './catalog-state-store.ts';
export { issueServerCertificate } from './server-cert.ts';
export type { ServerCertificate, ServerCertificateRequest } from './server-cert.ts';
