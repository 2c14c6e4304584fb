/**
 * What a cluster or listener refers to — the EDS, RDS and SDS names Envoy
 * would subscribe to next — found by walking the decoded message itself.
 *
 * Every resource is fully decoded with Envoy's protos, nested `Any`s too
 * (their type must be known and their bytes valid, or the caller NACKs), but
 * nothing is converted to plain objects: the walk visits only message-typed
 * fields of types that can contain an `SdsSecretConfig`, an `Rds` or an
 * `Any`, decided once per type. Per-proxy resources (a cluster names the
 * proxy's own leaf secret) are distinct, so this runs for most of them.
 */
import protobuf from 'protobufjs';
import { CLUSTER_TYPE, LISTENER_TYPE, messageNameOf, messageType } from '../../xds/index.ts';

/** The dependent names a resource makes a proxy ask for. */
export interface ResourceRefs {
  endpoints: readonly string[];
  routes: readonly string[];
  secrets: readonly string[];
}

const ANY = 'google.protobuf.Any';
const SDS_SECRET_CONFIG = 'envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig';
const RDS = 'envoy.extensions.filters.network.http_connection_manager.v3.Rds';

type Msg = protobuf.Message & Record<string, unknown>;

interface WalkPlan {
  /** Message-typed fields worth descending into. */
  fields: Array<{ name: string; repeated: boolean; map: boolean }>;
}

const typeByUrl = new Map<string, protobuf.Type>();
const plans = new Map<protobuf.Type, WalkPlan>();
const mayRefer = new Map<protobuf.Type, boolean>();

/** The message type of a type URL, looked up once. Throws if the protos do not know it. */
export function typeOfUrl(typeUrl: string): protobuf.Type {
  let t = typeByUrl.get(typeUrl);
  if (!t) typeByUrl.set(typeUrl, (t = messageType(messageNameOf(typeUrl))));
  return t;
}

function messageFieldType(f: protobuf.Field): protobuf.Type | undefined {
  f.resolve();
  return f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
}

function isTarget(t: protobuf.Type): boolean {
  const name = t.fullName.slice(1);
  return name === ANY || name === SDS_SECRET_CONFIG || name === RDS;
}

/**
 * Decides, for `root` and every type reachable from it, whether a message of
 * that type can hold (at any depth) something that names a dependent
 * resource: a fixed point over the closure, so recursive types are settled.
 */
function decideReachable(root: protobuf.Type): void {
  const reach: protobuf.Type[] = [];
  const seen = new Set<protobuf.Type>([root]);
  for (let i = 0, queue = [root]; i < queue.length; i++) {
    const t = queue[i] as protobuf.Type;
    if (mayRefer.has(t)) continue;
    reach.push(t);
    for (const f of t.fieldsArray) {
      const ft = messageFieldType(f);
      if (ft && !seen.has(ft)) {
        seen.add(ft);
        queue.push(ft);
      }
    }
  }
  for (const t of reach) mayRefer.set(t, isTarget(t));
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of reach) {
      if (mayRefer.get(t)) continue;
      const holdsOne = t.fieldsArray.some((f) => {
        const ft = messageFieldType(f);
        return ft !== undefined && mayRefer.get(ft) === true;
      });
      if (holdsOne) {
        mayRefer.set(t, true);
        changed = true;
      }
    }
  }
}

function planOf(t: protobuf.Type): WalkPlan {
  let plan = plans.get(t);
  if (!plan) {
    plan = { fields: [] };
    if (!mayRefer.has(t)) decideReachable(t);
    for (const f of t.fieldsArray) {
      const ft = messageFieldType(f);
      if (ft && mayRefer.get(ft) === true) plan.fields.push({ name: f.name, repeated: f.repeated, map: f.map });
    }
    plans.set(t, plan);
  }
  return plan;
}

function walk(m: Msg, into: { routes: Set<string>; secrets: Set<string> }): void {
  const t = m.$type;
  const name = t.fullName.slice(1);
  if (name === ANY) {
    const typeUrl = m['type_url'] as string;
    const value = m['value'] as Uint8Array;
    // An Any Envoy cannot read makes it reject the whole resource: let the caller NACK.
    const inner = typeOfUrl(typeUrl);
    walk(inner.decode(value) as Msg, into);
    return;
  }
  if (name === SDS_SECRET_CONFIG && typeof m['name'] === 'string' && m['name'] !== '' && m['sds_config'] != null) into.secrets.add(m['name']);
  if (name === RDS) {
    const route = m['route_config_name'];
    if (typeof route === 'string' && route !== '') into.routes.add(route);
  }
  for (const f of planOf(t).fields) {
    const v = m[f.name];
    if (v == null) continue;
    if (f.repeated) for (const x of v as Msg[]) walk(x, into);
    else if (f.map) for (const x of Object.values(v as Record<string, Msg>)) walk(x, into);
    else walk(v as Msg, into);
  }
}

const refsMemo = new Map<string, ResourceRefs>();
const NO_REFS: ResourceRefs = { endpoints: [], routes: [], secrets: [] };

/** What a cluster or listener refers to, memoized by (type, version); throws if the resource, or an `Any` in it, does not decode. */
export function refsOf(typeUrl: string, name: string, version: string, value: Uint8Array): ResourceRefs {
  if (typeUrl !== CLUSTER_TYPE && typeUrl !== LISTENER_TYPE) return NO_REFS;
  const key = `${typeUrl}|${version}`;
  const memo = refsMemo.get(key);
  if (memo) return memo;
  const msg = typeOfUrl(typeUrl).decode(value) as Msg;
  const into = { routes: new Set<string>(), secrets: new Set<string>() };
  walk(msg, into);
  const endpoints: string[] = [];
  if (typeUrl === CLUSTER_TYPE && msg['type'] === edsClusterType()) {
    const eds = msg['eds_cluster_config'] as { service_name?: string } | null;
    endpoints.push(eds?.service_name || (msg['name'] as string) || name);
  }
  const refs = { endpoints, routes: [...into.routes], secrets: [...into.secrets] };
  refsMemo.set(key, refs);
  return refs;
}

let eds: number | undefined;

/** `Cluster.DiscoveryType.EDS` as its wire number. */
function edsClusterType(): number {
  if (eds === undefined) {
    const value = typeOfUrl(CLUSTER_TYPE).lookupEnum('DiscoveryType').values['EDS'];
    if (value === undefined) throw new Error('Cluster.DiscoveryType has no EDS value');
    eds = value;
  }
  return eds;
}

/** Forgets memoized references (between runs). */
export function clearRefsMemo(): void {
  refsMemo.clear();
}
