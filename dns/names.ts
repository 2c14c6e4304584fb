/**
 * Parsing query names into what they ask for. Forms (the datacenter label is optional):
 *   <service>.service[.<dc>].<domain>            all instances
 *   <tag>.<service>.service[.<dc>].<domain>      instances with a tag
 *   _<service>._<tag>.service[.<dc>].<domain>    RFC 2782; tag "tcp" (or "udp") means any tag
 *   <service>.connect[.<dc>].<domain>            mesh-capable instances
 *   <node>.node[.<dc>].<domain>                  a node
 *   <hex>.addr[.<dc>].<domain>                   an address encoded in hex
 * Example: with domain "consul" and dc "dc1", "_web._primary.service.dc1.consul" is
 * { kind: 'service', service: 'web', tag: 'primary' }.
 */

export type DnsName =
  | { kind: 'apex' }
  | { kind: 'service'; service: string; tag?: string }
  | { kind: 'connect'; service: string }
  | { kind: 'node'; node: string }
  | { kind: 'addr'; hex: string }
  /** Inside our domain, but not a name we know (includes another datacenter's names). */
  | { kind: 'unknown' }
  /** Outside our domain: we are not a recursor. */
  | { kind: 'outside' };

const TYPE_LABELS = new Set(['service', 'connect', 'node', 'addr']);

/** Classifies a query name (with or without the trailing dot) against our domain and datacenter. */
export function parseDnsName(qname: string, domain: string, datacenter: string): DnsName {
  const name = qname.toLowerCase().replace(/\.$/, '');
  if (name === domain) return { kind: 'apex' };
  if (!name.endsWith(`.${domain}`)) return { kind: 'outside' };
  // Keep the caller's case for the labels we hand to the catalog.
  const labels = qname.replace(/\.$/, '').split('.').slice(0, -domain.split('.').length);
  if (labels.some((l) => l === '')) return { kind: 'unknown' };

  // The type label is last, or second to last when a datacenter label follows it.
  let typeIndex = labels.length - 1;
  const last = (labels[typeIndex] ?? '').toLowerCase();
  if (!TYPE_LABELS.has(last)) {
    typeIndex = labels.length - 2;
    if (last !== datacenter) return { kind: 'unknown' };
  }
  const type = (labels[typeIndex] ?? '').toLowerCase();
  const prefix = labels.slice(0, Math.max(typeIndex, 0));
  if (!TYPE_LABELS.has(type) || prefix.length === 0) return { kind: 'unknown' };

  switch (type) {
    case 'service':
      return parseServiceLabels(prefix);
    case 'connect':
      return prefix.length === 1 ? { kind: 'connect', service: prefix[0] as string } : { kind: 'unknown' };
    case 'node':
      // Node names may contain dots; everything before ".node" is the name.
      return { kind: 'node', node: prefix.join('.') };
    case 'addr':
      return prefix.length === 1 ? { kind: 'addr', hex: prefix[0] as string } : { kind: 'unknown' };
    default:
      return { kind: 'unknown' };
  }
}

function parseServiceLabels(prefix: string[]): DnsName {
  if (prefix.length === 2 && prefix[0]?.startsWith('_') && prefix[1]?.startsWith('_')) {
    const service = prefix[0].slice(1);
    const tag = prefix[1].slice(1);
    if (service === '' || tag === '') return { kind: 'unknown' };
    // RFC 2782 names carry the protocol where we expect a tag; "tcp"/"udp" therefore mean "any tag".
    const anyTag = ['tcp', 'udp'].includes(tag.toLowerCase());
    return anyTag ? { kind: 'service', service } : { kind: 'service', service, tag };
  }
  const service = prefix[prefix.length - 1] as string;
  if (prefix.length === 1) return { kind: 'service', service };
  // A tag may itself contain dots: everything before the service label is the tag.
  return { kind: 'service', service, tag: prefix.slice(0, -1).join('.') };
}
