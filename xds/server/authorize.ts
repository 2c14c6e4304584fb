/**
 * Who may open an ADS stream. A proxy presents its ACL token in the
 * `x-consul-token` gRPC metadata; the stream is served only if that token
 * may write the service the proxy stands for (the destination of a sidecar,
 * the service itself for a Connect-native one), or has mesh:write. Decisions
 * are re-taken whenever the ACL state changes, so a revoked token loses its
 * streams.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { CatalogStore } from '../../catalog/index.ts';
import type { AclResolver } from '../../policy/acl/index.ts';
import type { Node__Output } from '../generated/envoy/config/core/v3/Node.ts';

/** The metadata key a proxy's token travels in (as Consul's xDS server expects). */
export const XDS_TOKEN_METADATA = 'x-consul-token';

/** A decision on one stream: refused with a reason, or served, optionally until `watch` revokes it. */
export type StreamDecision =
  | { ok: true; watch?: (revoke: (message: string) => void) => () => void }
  | { ok: false; message: string };

/** Called on a stream's first request with its metadata and node. */
export type StreamAuthorizer = (metadata: grpc.Metadata, node: Node__Output | null | undefined) => StreamDecision;

/** What the ACL stream authorizer needs. */
export interface AclStreamAuthorizerOptions {
  resolver: AclResolver;
  /** The service a proxy stands for, by its registered service ID (node.id); undefined when not registered. */
  serviceOf(nodeId: string): string | undefined;
  /** Calls the listener after every ACL change; returns the unsubscribe function. */
  onAclChange(listener: () => void): () => void;
  logger: Logger;
}

/** Looks a proxy's node.id up in the store: a sidecar stands for its destination, anything else for itself. */
export function registeredServiceOf(store: CatalogStore): (nodeId: string) => string | undefined {
  return (nodeId) => {
    for (const n of store.listNodes()) {
      const s = store.getService(n.Node, nodeId);
      if (s) return s.Kind === 'connect-proxy' && s.Proxy?.DestinationServiceName ? s.Proxy.DestinationServiceName : s.Service;
    }
    return undefined;
  };
}

function tokenOf(metadata: grpc.Metadata): string | undefined {
  const v = metadata.get(XDS_TOKEN_METADATA)[0];
  const s = typeof v === 'string' ? v : v?.toString('utf8');
  return s === undefined || s === '' ? undefined : s;
}

/** A StreamAuthorizer over ACL tokens; the returned `close` drops its store subscription. */
export function aclStreamAuthorizer(opts: AclStreamAuthorizerOptions): { authorize: StreamAuthorizer; close(): void } {
  const watchers = new Set<() => void>();
  const unsubscribe = opts.onAclChange(() => {
    for (const w of [...watchers]) w();
  });
  const log = opts.logger.child({ component: 'xds-acl' });

  const decide = (secret: string | undefined, nodeId: string): { ok: true } | { ok: false; message: string } => {
    const token = opts.resolver.resolve(secret);
    if (!token) return { ok: false, message: 'ACL not found' };
    const authz = token.authorizer;
    if (authz.allowsGlobal('mesh', 'write')) return { ok: true };
    if (nodeId === '') return { ok: false, message: 'node.id is missing: a proxy must name its registered service ID' };
    const service = opts.serviceOf(nodeId);
    if (service === undefined) return { ok: false, message: `proxy "${nodeId}" is not registered; register it before connecting` };
    if (authz.allows('service', service, 'write')) return { ok: true };
    return { ok: false, message: `Permission denied: token with AccessorID '${token.accessorId}' lacks permission 'service:write' on ${JSON.stringify(service)}` };
  };

  const authorize: StreamAuthorizer = (metadata, node) => {
    const secret = tokenOf(metadata);
    const nodeId = node?.id ?? '';
    const first = decide(secret, nodeId);
    if (!first.ok) {
      // The secret is never logged; the node and the reason are enough to act on.
      log.warn({ node: nodeId, reason: first.message }, 'xDS stream refused');
      return first;
    }
    return {
      ok: true,
      watch: (revoke) => {
        const recheck = (): void => {
          const again = decide(secret, nodeId);
          if (again.ok) return;
          watchers.delete(recheck);
          log.warn({ node: nodeId, reason: again.message }, 'xDS stream ended: its token no longer allows it');
          revoke(again.message);
        };
        watchers.add(recheck);
        return () => watchers.delete(recheck);
      },
    };
  };
  return { authorize, close: unsubscribe };
}
