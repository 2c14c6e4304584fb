/**
 * Random meshes for the property test: a seeded generator of service
 * definitions (sidecars with upstreams, Connect-native services, plain
 * services, health states, weights), config entries (protocols) and
 * intentions (L4, and L7 on HTTP services), each valid as the API would accept it.
 */
import type { AgentServiceDefinition } from '../../catalog/index.ts';

/** The project's seeded PRNG (mulberry32). */
export { seededRandom } from '../../bench/loadgen/prng.ts';

/** Helpers over one random source. */
export class Dice {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
  /** A random subset, in a random order. */
  some<T>(list: readonly T[], max = list.length): T[] {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, this.int(0, Math.min(max, copy.length)));
  }
}

const NAME_POOL = ['web', 'api', 'db', 'cache', 'billing', 'auth', 'search', 'pay-ments', 'v2.api', 'a_b', 'x'];
const PROTOCOLS = ['tcp', 'http', 'http2', 'grpc'] as const;
const HTTP_FAMILY = new Set(['http', 'http2', 'grpc']);
const STATUSES = ['passing', 'warning', 'critical'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** A node and the services registered on it. */
export interface RandomNode {
  node: string;
  address: string;
  services: AgentServiceDefinition[];
}

/** One random mesh. */
export interface RandomMesh {
  nodes: RandomNode[];
  /** Config entries (service-defaults, proxy-defaults) and service-intentions entries, as written to the API. */
  entries: Record<string, unknown>[];
  defaultAllow: boolean;
  /** Every service name, including ones upstreams name but nobody registers. */
  names: string[];
}

function protocolOf(entries: Record<string, unknown>[], service: string): string {
  const sd = entries.find((e) => e['Kind'] === 'service-defaults' && e['Name'] === service);
  if (sd && typeof sd['Protocol'] === 'string') return sd['Protocol'];
  const pd = entries.find((e) => e['Kind'] === 'proxy-defaults');
  const p = (pd?.['Config'] as Record<string, unknown> | undefined)?.['protocol'];
  return typeof p === 'string' ? p : 'tcp';
}

function permission(d: Dice): Record<string, unknown> {
  const http: Record<string, unknown> = {};
  const path = d.int(0, 3);
  if (path === 1) http['PathExact'] = `/${d.pick(['a', 'b/c', 'health'])}`;
  if (path === 2) http['PathPrefix'] = d.pick(['/', '/admin', '/v1/'])
  if (path === 3) http['PathRegex'] = d.pick(['/api/[0-9]+', '/(foo|bar)/.*', '.*']);
  if (d.chance(0.4)) http['Methods'] = d.some(METHODS, 3).concat('GET').filter((m, i, a) => a.indexOf(m) === i);
  if (d.chance(0.4) || Object.keys(http).length === 0) {
    const h: Record<string, unknown> = { Name: d.pick(['x-user', 'authorization', ':authority']) };
    const k = d.int(0, 4);
    if (k === 0) h['Present'] = true;
    if (k === 1) h['Exact'] = 'yes';
    if (k === 2) h['Prefix'] = 'Bearer ';
    if (k === 3) h['Suffix'] = '.internal';
    if (k === 4) h['Regex'] = '[a-z]+';
    if (d.chance(0.2)) h['Invert'] = true;
    http['Header'] = [h];
  }
  return { Action: d.pick(['allow', 'deny']), HTTP: http };
}

/** Generates one mesh from a random source. */
export function randomMesh(d: Dice): RandomMesh {
  const services = d.some(NAME_POOL, 6);
  if (services.length < 2) services.push(...NAME_POOL.filter((n) => !services.includes(n)).slice(0, 2 - services.length));
  const names = [...services, 'ghost'];
  const entries: Record<string, unknown>[] = [];
  if (d.chance(0.3)) entries.push({ Kind: 'proxy-defaults', Name: 'global', Config: { protocol: d.pick(PROTOCOLS) } });
  for (const s of services) if (d.chance(0.6)) entries.push({ Kind: 'service-defaults', Name: s, Protocol: d.pick(PROTOCOLS) });

  const nodes: RandomNode[] = [];
  const nodeCount = d.int(1, 3);
  for (let n = 0; n < nodeCount; n++) {
    nodes.push({ node: `node-${n}`, address: d.chance(0.15) ? `fd00::${n + 1}` : `10.0.${n}.${d.int(1, 254)}`, services: [] });
  }
  for (const s of services) {
    const instances = d.int(1, 3);
    for (let i = 0; i < instances; i++) {
      const def: AgentServiceDefinition = { ID: `${s}-${i}`, Name: s, Port: d.int(1024, 65000) };
      if (d.chance(0.3)) def.Address = d.chance(0.2) ? `fd00::a${i}` : `10.1.${i}.${d.int(1, 254)}`;
      if (d.chance(0.3)) def.Weights = { Passing: d.int(1, 10), Warning: d.int(0, 3) };
      const checks = d.int(0, 2);
      if (checks > 0) def.Checks = Array.from({ length: checks }, () => ({ TTL: '30s', Status: d.pick(STATUSES) }));
      const mode = d.random();
      if (mode < 0.6) {
        let port = 9000;
        const upstreams = d.some(names, 4).map((u) => {
          const up: Record<string, unknown> = { DestinationName: u, LocalBindPort: port++ };
          if (d.chance(0.2)) up['LocalBindAddress'] = d.pick(['127.0.0.1', '0.0.0.0', '::1']);
          const config: Record<string, unknown> = {};
          if (d.chance(0.2)) config['protocol'] = d.pick(PROTOCOLS);
          if (d.chance(0.2)) config['connect_timeout_ms'] = d.int(1, 30_000);
          if (Object.keys(config).length > 0) up['Config'] = config;
          return up;
        });
        const sidecar: AgentServiceDefinition = { Proxy: { Upstreams: upstreams as never } };
        if (d.chance(0.3)) sidecar.Checks = [{ TTL: '10s', Status: d.pick(STATUSES) }];
        if (d.chance(0.2)) sidecar.Proxy = { ...sidecar.Proxy, Config: { protocol: d.pick(PROTOCOLS) } };
        def.Connect = { SidecarService: sidecar };
      } else if (mode < 0.85) def.Connect = { Native: true };
      d.pick(nodes).services.push(def);
    }
  }

  const destinations = d.some([...services, '*'], 4);
  for (const dest of destinations) {
    // L7 permissions are never allowed on a wildcard destination.
    const protocol = dest === '*' ? 'tcp' : protocolOf(entries, dest);
    const sources = d.some([...names, '*'], 4);
    if (sources.length === 0) sources.push('*');
    entries.push({
      Kind: 'service-intentions',
      Name: dest,
      Sources: sources.map((src) =>
        HTTP_FAMILY.has(protocol) && d.chance(0.5)
          ? { Name: src, Permissions: Array.from({ length: d.int(1, 3) }, () => permission(d)) }
          : { Name: src, Action: d.pick(['allow', 'deny']) },
      ),
    });
  }
  return { nodes, entries, defaultAllow: d.chance(0.5), names };
}
