/**
 * What a proxy's published configuration was made from, as a flat list the
 * engine compares with the next gather: equal lists (by identity for the
 * shared objects) mean an equal build, and the positions of a few inputs let
 * a patch rebuild one part.
 */
import type { ProxySnapshot } from '../snapshot/types.ts';

/** Where inputsOf puts the trust domain and the inbound authorization. */
export const TRUST_DOMAIN_INPUT = 5;
export const AUTHORIZATION_INPUT = 14;

/**
 * What a proxy's resources are made from, flat: scalars, and the shared
 * objects (upstreams, authorization) by identity. The gatherer hands out the
 * same object for an upstream or an authorization until its inputs change,
 * so equal lists mean an equal build.
 */
export function inputsOf(s: ProxySnapshot, notes: readonly string[]): unknown[] {
  const inbound = s.inbound;
  return [
    s.kind,
    s.proxyId,
    s.identity.service,
    s.identity.namespace,
    s.identity.datacenter,
    s.tls.trustDomain,
    s.tls.leafCertPEM,
    s.tls.leafKeyPEM,
    s.kind === 'grpc-proxyless' ? s.certificateProviderInstance : '',
    inbound?.address,
    inbound?.port,
    inbound?.protocol,
    inbound?.localAppAddress,
    inbound?.localAppPort,
    inbound?.authorization,
    notes.join('\n'),
    s.tls.rootsPEM.length,
    ...s.tls.rootsPEM,
    ...s.upstreams,
  ];
}

/** True when two input lists are element by element the same. */
export function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
