/**
 * Inbound authorization as Envoy RBAC. Until intentions are compiled in, the
 * policy is the default: deny-all is an ALLOW list with no policies, and
 * allow-all is a DENY list with no policies.
 */
import type { InboundAuthorization } from '../snapshot/types.ts';
import { HTTP_RBAC_TYPE, NETWORK_RBAC_TYPE, typed, type EnvoyMessage } from './common.ts';

/** The `envoy.config.rbac.v3.RBAC` rules for an inbound authorization. */
export function rbacRules(auth: InboundAuthorization): EnvoyMessage {
  return { action: auth.defaultAllow ? 'DENY' : 'ALLOW', policies: {} };
}

/** True when the rules let everything through (the filter can be left out). */
export function allowsEverything(auth: InboundAuthorization): boolean {
  return auth.defaultAllow;
}

/** The network RBAC filter for a TCP inbound listener. */
export function networkRbacFilter(auth: InboundAuthorization, statPrefix: string): EnvoyMessage {
  return {
    name: 'envoy.filters.network.rbac',
    typed_config: typed(NETWORK_RBAC_TYPE, { rules: rbacRules(auth), stat_prefix: statPrefix }),
  };
}

/** The HTTP RBAC filter, placed first in an inbound HTTP filter chain. */
export function httpRbacFilter(auth: InboundAuthorization): EnvoyMessage {
  return { name: 'envoy.filters.http.rbac', typed_config: typed(HTTP_RBAC_TYPE, { rules: rbacRules(auth) }) };
}
