/** The CA as the snapshot gatherer sees it: trust domain, trusted roots, and a service's current leaf. */
import type { CertificateAuthority, LeafManager } from '../../ca/index.ts';
import type { IdentitySource } from '../snapshot/gather.ts';

/** Adapts the CA and its leaf cache to IdentitySource. */
export function caIdentitySource(ca: CertificateAuthority, leaves: LeafManager): IdentitySource {
  return {
    trustDomain: () => ca.trustDomain,
    rootsPEM: () => {
      const list = ca.roots();
      const active = list.Roots.filter((r) => r.Active);
      const others = list.Roots.filter((r) => !r.Active);
      return [...active, ...others].map((r) => r.RootCert.trimEnd());
    },
    leaf: async (service) => {
      const cert = await leaves.get(service);
      return { certPEM: cert.CertPEM, keyPEM: cert.PrivateKeyPEM };
    },
  };
}
