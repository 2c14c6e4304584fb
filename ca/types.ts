/** The CA's public data shapes, as Consul's HTTP API writes them. */
import type { CAProviderConfig, PrivateKeyType } from './config.ts';

/** One trusted root, as listed by `/v1/connect/ca/roots` (never with its private key). */
export interface CARoot {
  /** SHA-1 fingerprint of the root's DER, colon-hex. */
  ID: string;
  Name: string;
  SerialNumber: number;
  /** The root's subject key identifier, colon-hex. */
  SigningKeyID: string;
  ExternalTrustDomain: string;
  NotBefore: string;
  NotAfter: string;
  RootCert: string;
  /** For a root made by rotation: the same root cross-signed by its predecessor, while that one is trusted. */
  IntermediateCerts: string[];
  Active: boolean;
  PrivateKeyType: PrivateKeyType;
  PrivateKeyBits: number;
  CreateIndex: number;
  ModifyIndex: number;
}

/** `/v1/connect/ca/roots`. */
export interface CARootList {
  ActiveRootID: string;
  TrustDomain: string;
  Roots: CARoot[];
}

/** `GET /v1/connect/ca/configuration`. */
export interface CAConfigurationView {
  Provider: 'consul';
  Config: CAProviderConfig;
  State: null;
  ForceWithoutCrossSigning: boolean;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A service's leaf certificate, as `/v1/agent/connect/ca/leaf/:service` returns it. */
export interface IssuedLeafCertificate {
  /** Colon-hex serial ("5e:1f:…"). */
  SerialNumber: string;
  /** The leaf, followed by any intermediate (cross-signed) certificates a verifier may need. */
  CertPEM: string;
  PrivateKeyPEM: string;
  Service: string;
  ServiceURI: string;
  /** RFC 3339, second precision: the certificate's notBefore (one minute before issue). */
  ValidAfter: string;
  /** RFC 3339: the certificate's notAfter. */
  ValidBefore: string;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A leaf and what its holder needs to know about it beyond the API shape. */
export interface IssuedLeaf {
  cert: IssuedLeafCertificate;
  /** The root (ID) whose key signed it. */
  signingRootId: string;
  issuedAt: Date;
  validAfter: Date;
  validBefore: Date;
}

/** What changed in the CA's state. */
export interface CAChangeEvent {
  /** The CA state's modify index after the change. */
  index: number;
  activeRootId: string;
  /** True when the active (signing) root is not the one before this change. */
  activeRootChanged: boolean;
}
