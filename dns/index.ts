/** The DNS interface: Consul-style names (web.service.consul, …) answered over UDP and TCP. */
export { startDnsServer } from './server.ts';
export { answerQuery } from './answer.ts';
export { parseDnsName, type DnsName } from './names.ts';
export { ipToHex, hexToIp } from './addr.ts';
export type { DnsCatalog, DnsInstance, DnsNode, DnsServerOptions, DnsServerHandle, DnsAnswerContext } from './types.ts';
export { storeDnsCatalog } from './catalog-adapter.ts';
