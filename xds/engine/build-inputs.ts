/**
 * What a proxy's published configuration was made from, as a flat list the
 * engine compares with the next gather: equal lists (by identity for the
 * shared objects) mean an equal build, and the positions of a few inputs let
 * a patch rebuild one part.
 */
import type { InboundAuthorization, InboundSnapshot, ProxySnapshot } from '../snapshot/types.ts';

/** Where inputsOf puts what a patch reads back (the readers below are the only users of these positions). */
const KIND_INPUT = 0;
const SERVICE_INPUT = 2;
const TRUST_DOMAIN_INPUT = 5;
const INBOUND_INPUT = 9;
const AUTHORIZATION_INPUT = 14;

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

/** The trust domain a build was made for. */
export function trustDomainOf(inputs: readonly unknown[]): string {
  return inputs[TRUST_DOMAIN_INPUT] as string;
}

/** A sidecar's destination service and inbound side as its build was made, or undefined for another kind of proxy. */
export function sidecarInboundOf(inputs: readonly unknown[]): { service: string; inbound: InboundSnapshot } | undefined {
  if (inputs[KIND_INPUT] !== 'connect-proxy') return undefined;
  const [address, port, protocol, localAppAddress, localAppPort, authorization] = inputs.slice(INBOUND_INPUT, AUTHORIZATION_INPUT + 1) as [
    string,
    number,
    InboundSnapshot['protocol'],
    string,
    number,
    InboundAuthorization,
  ];
  return { service: inputs[SERVICE_INPUT] as string, inbound: { address, port, protocol, localAppAddress, localAppPort, authorization } };
}

/** The inputs with the inbound authorization replaced (an intention patch). */
export function withAuthorization(inputs: readonly unknown[], authorization: InboundAuthorization): unknown[] {
  const out = [...inputs];
  out[AUTHORIZATION_INPUT] = authorization;
  return out;
}
