/**
 * `/v1/agent/connect/authorize`: may the holder of a client certificate
 * connect to a target service? The certificate's SPIFFE URI names the source
 * service; intentions decide at L4, as `/check` does.
 */
import { checkIntention, type Intention } from '../policy/index.ts';
import { badRequest } from './errors.ts';

/** The request body, as Consul's. */
export interface AuthorizeBody {
  Target: string;
  ClientCertURI: string;
  ClientCertSerial?: string;
}

/** A service identity parsed from a SPIFFE URI. */
export interface SpiffeServiceId {
  trustDomain: string;
  namespace: string;
  datacenter: string;
  service: string;
}

const SPIFFE_SERVICE = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/dc\/([^/]+)\/svc\/([^/]+)$/;

/** Parses `spiffe://<td>/ns/<ns>/dc/<dc>/svc/<svc>`; undefined for anything else. */
export function parseSpiffeServiceId(uri: string): SpiffeServiceId | undefined {
  const m = SPIFFE_SERVICE.exec(uri);
  if (!m) return undefined;
  const [, trustDomain, namespace, datacenter, service] = m.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  }) as [string, string, string, string, string];
  return { trustDomain, namespace, datacenter, service };
}

/**
 * The authorization decision for one connection. A foreign trust domain is
 * refused once the trust domain is known; an L7 intention refuses at L4,
 * because a connection alone cannot show its requests will satisfy it.
 */
export function authorizeConnection(
  body: AuthorizeBody,
  intentions: readonly Intention[],
  opts: { trustDomain: string | undefined; defaultAllow: boolean },
): { Authorized: boolean; Reason: string } {
  const id = parseSpiffeServiceId(body.ClientCertURI);
  if (!id) {
    throw badRequest(
      `ClientCertURI: ${JSON.stringify(body.ClientCertURI)} is not a service identity; expected spiffe://<trust-domain>/ns/<namespace>/dc/<datacenter>/svc/<service>`,
    );
  }
  if (opts.trustDomain && id.trustDomain.toLowerCase() !== opts.trustDomain.toLowerCase()) {
    return { Authorized: false, Reason: `Client certificate is from trust domain "${id.trustDomain}", not this mesh's "${opts.trustDomain}"` };
  }
  const decision = checkIntention(intentions, { name: id.service, namespace: id.namespace }, body.Target, opts.defaultAllow);
  const g = decision.governing;
  if (!g) {
    return { Authorized: decision.Allowed, Reason: `No intention matched; the default intention policy is ${opts.defaultAllow ? 'allow' : 'deny'}` };
  }
  const label = `${g.SourceName} => ${g.DestinationName} (precedence ${g.Precedence}${g.ID ? `, ID ${g.ID}` : ''})`;
  if (g.Permissions && g.Permissions.length > 0) {
    return { Authorized: false, Reason: `Matched L7 intention ${label}; its permissions are checked per request, so the connection is not authorized at L4` };
  }
  return { Authorized: decision.Allowed, Reason: `Matched L4 intention ${label}: ${g.Action}` };
}
