/**
 * What a cluster or listener refers to — the EDS, RDS and SDS names Envoy
 * would subscribe to next — found by walking the decoded message itself.
 *
 * Every resource is fully decoded with Envoy's protos, nested `Any`s too
 * (their type must be known and their bytes valid, or the caller NACKs), but
 * nothing is converted to plain objects: the walk visits only message-typed
 * fields of types that can contain an `SdsSecretConfig`, an `Rds` or an
 * `Any`, decided once per type. Callers decode each distinct content once
 * for the whole fleet (`shared-resources.ts`).
 */
import protobuf from 'protobufjs';
import { CLUSTER_TYPE, LISTENER_TYPE, messageNameOf, messageType } from '../../xds/index.ts';
import { hashBytes } from './byte-hash.ts';

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
  /** The type's full name without the leading dot (protobufjs computes `fullName` on every read). */
  name: string;
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
    plan = { name: t.fullName.slice(1), fields: [] };
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
  const plan = planOf(m.$type);
  const name = plan.name;
  if (name === ANY) {
    walkAny(m['type_url'] as string, m['value'] as Uint8Array, into);
    return;
  }
  if (name === SDS_SECRET_CONFIG && typeof m['name'] === 'string' && m['name'] !== '' && m['sds_config'] != null) into.secrets.add(m['name']);
  if (name === RDS) {
    const route = m['route_config_name'];
    if (typeof route === 'string' && route !== '') into.routes.add(route);
  }
  for (const f of plan.fields) {
    const v = m[f.name];
    if (v == null) continue;
    if (f.repeated) for (const x of v as Msg[]) walk(x, into);
    else if (f.map) for (const x of Object.values(v as Record<string, Msg>)) walk(x, into);
    else walk(v as Msg, into);
  }
}

/** What an `Any` held: the names found inside it, or why it cannot be read. */
type AnyFindings = { bytes: Uint8Array; routes: readonly string[]; secrets: readonly string[] } | { bytes: Uint8Array; error: string };

/** Findings by the `Any`'s type URL, then by a hash of its value; a match is decided by comparing the bytes. */
const anyMemo = new Map<string, Map<number, AnyFindings[]>>();

/**
 * Decodes and walks an `Any`, once per distinct (type URL, value) for the
 * whole fleet: listeners are mostly distinct per proxy (their addresses), but
 * the filters and TLS contexts inside them are shared by many.
 */
function walkAny(typeUrl: string, value: Uint8Array, into: { routes: Set<string>; secrets: Set<string> }): void {
  let byHash = anyMemo.get(typeUrl);
  if (!byHash) anyMemo.set(typeUrl, (byHash = new Map()));
  const hash = hashBytes(value);
  let bucket = byHash.get(hash);
  let found = bucket?.find((f) => f.bytes.length === value.length && Buffer.compare(f.bytes, value) === 0);
  if (!found) {
    const inner = { routes: new Set<string>(), secrets: new Set<string>() };
    try {
      // An Any Envoy cannot read makes it reject the whole resource: the caller NACKs.
      walk(typeOfUrl(typeUrl).decode(value) as Msg, inner);
      found = { bytes: value, routes: [...inner.routes], secrets: [...inner.secrets] };
    } catch (err) {
      found = { bytes: value, error: (err as Error).message };
    }
    if (!bucket) byHash.set(hash, (bucket = []));
    bucket.push(found);
  }
  if ('error' in found) throw new Error(found.error);
  for (const r of found.routes) into.routes.add(r);
  for (const x of found.secrets) into.secrets.add(x);
}

const NO_REFS: ResourceRefs = { endpoints: [], routes: [], secrets: [] };

/**
 * Decodes a resource of `typeUrl` (nested `Any`s too) and returns what it
 * makes a proxy ask for: names only for clusters and listeners, none for the
 * other types, which are decoded all the same. Throws if the resource, or an
 * `Any` in it, does not decode or names a type the protos do not know.
 */
export function refsOf(typeUrl: string, name: string, value: Uint8Array): ResourceRefs {
  const msg = typeOfUrl(typeUrl).decode(value) as Msg;
  const into = { routes: new Set<string>(), secrets: new Set<string>() };
  walk(msg, into);
  if (typeUrl !== CLUSTER_TYPE && typeUrl !== LISTENER_TYPE) return NO_REFS;
  const endpoints: string[] = [];
  if (typeUrl === CLUSTER_TYPE && msg['type'] === edsClusterType()) {
    const eds = msg['eds_cluster_config'] as { service_name?: string } | null;
    endpoints.push(eds?.service_name || (msg['name'] as string) || name);
  }
  return { endpoints, routes: [...into.routes], secrets: [...into.secrets] };
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

/** Forgets what was found in `Any`s (between runs). */
export function clearRefsMemo(): void {
  anyMemo.clear();
}
