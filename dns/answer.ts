/**
 * Turning one decoded query into a response packet. Pure: the catalog read, the random source
 * and the SOA serial come from the context. Size limits are applied afterwards (see size.ts).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import * as dnsPacket from 'dns-packet';
import { hexToIp, ipToHex } from './addr.ts';
import { parseDnsName } from './names.ts';
import type { DnsAnswerContext, DnsInstance } from './types.ts';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

// A sane default for what we can receive over UDP ourselves, advertised in our OPT record.
export const EDNS_UDP_SIZE = 4096;

/** A response to a packet we could not make sense of: same id, FORMERR, no sections. */
export function formatErrorResponse(id: number): Packet {
  return { type: 'response', id, flags: RCODE.FORMERR, questions: [], answers: [], authorities: [], additionals: [] };
}

/** The response to a query; never throws for a well-formed query (errors become SERVFAIL in the caller). */
export function answerQuery(query: DecodedPacket, ctx: DnsAnswerContext): Packet {
  const questions = query.questions ?? [];
  const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const optIn = (query.additionals ?? []).find((a) => a.type === 'OPT');
  const response: Packet = {
    type: 'response',
    id: query.id ?? 0,
    flags: rd,
    questions,
    answers: [],
    authorities: [],
    additionals: optIn ? [ourOpt()] : [],
  };
  // dns-packet folds the opcode into the flags; anything but a standard query is not implemented.
  if (((query.flags ?? 0) >> 11) & 0xf) return { ...response, flags: rd | RCODE.NOTIMP };
  const question = questions[0];
  if (questions.length !== 1 || question === undefined) return { ...response, flags: rd | RCODE.FORMERR };

  const result = resolveQuestion(question, ctx);
  const authoritative = result.rcode === RCODE.REFUSED ? 0 : dnsPacket.AUTHORITATIVE_ANSWER;
  const needsSoa = result.answers.length === 0 && result.rcode !== RCODE.REFUSED;
  return {
    ...response,
    flags: rd | authoritative | result.rcode,
    answers: result.answers,
    authorities: needsSoa ? [soaRecord(ctx)] : [],
    additionals: [...result.additionals, ...(response.additionals ?? [])],
  };
}

function ourOpt(): Answer {
  return { type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

interface Resolution {
  rcode: number;
  answers: Answer[];
  additionals: Answer[];
}

const NXDOMAIN: Resolution = { rcode: RCODE.NXDOMAIN, answers: [], additionals: [] };
const EMPTY: Resolution = { rcode: RCODE.NOERROR, answers: [], additionals: [] };

function resolveQuestion(question: Question, ctx: DnsAnswerContext): Resolution {
  const qname = question.name;
  // dns-packet's type list lacks ANY (255), which decodes to the string 'ANY' all the same.
  const qtype: string = question.type;
  const name = parseDnsName(qname, ctx.domain, ctx.datacenter);
  switch (name.kind) {
    case 'outside':
      return { rcode: RCODE.REFUSED, answers: [], additionals: [] };
    case 'unknown':
      return NXDOMAIN;
    case 'apex':
      return qtype === 'SOA' || qtype === 'ANY' ? { ...EMPTY, answers: [soaRecord(ctx)] } : EMPTY;
    case 'addr': {
      const ip = hexToIp(name.hex);
      if (ip === undefined) return NXDOMAIN;
      return { ...EMPTY, answers: addressRecords(qname, ip, qtype, ctx) };
    }
    case 'node': {
      const node = ctx.catalog.node(name.node);
      if (!node) return NXDOMAIN;
      return { ...EMPTY, answers: addressRecords(qname, node.Address, qtype, ctx) };
    }
    case 'service':
    case 'connect': {
      const opts = name.kind === 'connect' ? { connect: true } : name.tag !== undefined ? { tag: name.tag } : {};
      const instances = shuffle(ctx.catalog.serviceInstances(name.service, opts), ctx.random);
      if (instances.length === 0) return NXDOMAIN;
      return qtype === 'SRV' ? srvRecords(qname, instances, ctx) : { ...EMPTY, answers: serviceAddressRecords(qname, instances, qtype, ctx) };
    }
    default:
      return assertNever(name);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled DNS name ${JSON.stringify(x)}`);
}

/** A/AAAA (or a CNAME for a host name) for one address, as far as the query type asks for it. */
function addressRecords(name: string, address: string, qtype: string, ctx: DnsAnswerContext): Answer[] {
  const ttl = ctx.ttl;
  if (isIPv4(address)) return qtype === 'A' || qtype === 'ANY' ? [{ type: 'A', name, ttl, data: address }] : [];
  if (isIPv6(address)) return qtype === 'AAAA' || qtype === 'ANY' ? [{ type: 'AAAA', name, ttl, data: address }] : [];
  // A host name registered as an address: point at it, the client resolves it further.
  if (address !== '' && (qtype === 'A' || qtype === 'AAAA' || qtype === 'ANY' || qtype === 'CNAME')) {
    return [{ type: 'CNAME', name, ttl, data: address }];
  }
  return [];
}

function instanceAddress(inst: DnsInstance): string {
  return inst.ServiceAddress !== '' ? inst.ServiceAddress : inst.NodeAddress;
}

function serviceAddressRecords(qname: string, instances: DnsInstance[], qtype: string, ctx: DnsAnswerContext): Answer[] {
  const seen = new Set<string>();
  const out: Answer[] = [];
  for (const inst of instances) {
    const address = instanceAddress(inst);
    if (seen.has(address)) continue;
    seen.add(address);
    out.push(...addressRecords(qname, address, qtype, ctx));
  }
  return out;
}

/**
 * SRV answers, one per instance, each targeting a name that resolves to that instance's own
 * address: `<hex>.addr.<dc>.<domain>` when the service has an IP of its own, the host name when
 * it registered one, else `<node>.node.<dc>.<domain>`; the A/AAAA records ride in the additional section.
 */
function srvRecords(qname: string, instances: DnsInstance[], ctx: DnsAnswerContext): Resolution {
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const added = new Set<string>();
  for (const inst of instances) {
    const ownAddress = inst.ServiceAddress !== '' && inst.ServiceAddress !== inst.NodeAddress;
    const hex = ownAddress ? ipToHex(inst.ServiceAddress) : undefined;
    let target: string;
    let address: string | undefined;
    if (ownAddress && hex !== undefined) {
      target = `${hex}.addr.${ctx.datacenter}.${ctx.domain}`;
      address = inst.ServiceAddress;
    } else if (ownAddress) {
      target = inst.ServiceAddress;
      address = undefined;
    } else {
      target = `${inst.Node}.node.${ctx.datacenter}.${ctx.domain}`;
      address = inst.NodeAddress;
    }
    answers.push({ type: 'SRV', name: qname, ttl: ctx.ttl, data: { priority: 1, weight: srvWeight(inst), port: inst.ServicePort, target } });
    if (address !== undefined && !added.has(target.toLowerCase())) {
      added.add(target.toLowerCase());
      additionals.push(...addressRecords(target, address, 'ANY', ctx).filter((r) => r.type !== 'CNAME'));
    }
  }
  return { rcode: RCODE.NOERROR, answers, additionals };
}

function srvWeight(inst: DnsInstance): number {
  const w = inst.Weight;
  return w !== undefined && Number.isInteger(w) && w >= 0 && w <= 65535 ? w : 1;
}

/** The zone's SOA, sent in the authority section of empty and NXDOMAIN answers. */
export function soaRecord(ctx: DnsAnswerContext): Answer {
  return {
    type: 'SOA',
    name: ctx.domain,
    ttl: ctx.ttl,
    data: {
      mname: `ns.${ctx.domain}`,
      rname: `hostmaster.${ctx.domain}`,
      serial: ctx.serial() >>> 0,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: ctx.ttl,
    },
  };
}

/** Fisher–Yates on a copy, so each query spreads load differently. */
function shuffle<T>(items: T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
