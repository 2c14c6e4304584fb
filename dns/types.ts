/** What the DNS interface needs from the catalog, and the options of the DNS server. */
import type { Logger } from 'pino';

/** One registered instance of a service, as DNS needs it. */
export interface DnsInstance {
  Node: string;
  NodeAddress: string;
  /** The service's own address; empty when the service uses its node's address. */
  ServiceAddress: string;
  ServicePort: number;
  Tags: string[];
  /**
   * SRV weight; default 1. Consul takes it from the service's Weights: Passing for a passing
   * instance, Warning for one in warning, so the adapter picks by the instance's status.
   */
  Weight?: number;
}

export interface DnsNode {
  Node: string;
  Address: string;
}

/**
 * The catalog as the DNS server reads it. Implementations should match names
 * case-insensitively, since DNS names are.
 */
export interface DnsCatalog {
  /**
   * Non-critical instances of a service, optionally only those carrying a tag;
   * connect=true: mesh-capable instances (sidecar proxies of the service, or Connect-native instances).
   */
  serviceInstances(service: string, opts: { tag?: string; connect?: boolean }): DnsInstance[];
  /** A node by name, or undefined. */
  node(name: string): DnsNode | undefined;
}

/** Everything an answer depends on besides the query: no I/O, clock and randomness injected. */
export interface DnsAnswerContext {
  /** The zone we are authoritative for, lower case, without the trailing dot (e.g. "consul"). */
  domain: string;
  /** Our datacenter, lower case (e.g. "dc1"). */
  datacenter: string;
  catalog: DnsCatalog;
  /** TTL of every record we hand out, in seconds (Consul's default is 0). */
  ttl: number;
  /** A float in [0, 1), used to shuffle answers. */
  random: () => number;
  /** The SOA serial, e.g. seconds since the epoch. */
  serial: () => number;
}

export interface DnsServerOptions {
  host: string;
  /** 0 picks ephemeral ports (UDP first; TCP tries the same number, else its own). */
  port: number;
  /** Defaults to "consul." */
  domain?: string;
  /** Defaults to "dc1". */
  datacenter?: string;
  catalog: DnsCatalog;
  logger: Logger;
  /** Record TTL in seconds; default 0. */
  ttl?: number;
  /** Defaults to Math.random. */
  random?: () => number;
  /** Defaults to Date.now. */
  now?: () => number;
}

export interface DnsServerHandle {
  udpPort: number;
  tcpPort: number;
  /** Stops both listeners and drops open TCP connections. */
  close(): Promise<void>;
}
