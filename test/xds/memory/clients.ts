/**
 * The client side of the memory probe, run as a child process so that the
 * server's memory figures are its own: N delta ADS clients, each on its own
 * HTTP/2 connection, subscribing the way a sidecar does (wildcard CDS and LDS,
 * named EDS and SDS) and ACKing every response. Tells its parent `{ready}`
 * once every client has received a response of each type.
 * With `reconnect`, each client first syncs on a connection of its own,
 * closes it, and connects again declaring what it holds
 * (initial_resource_versions), as Envoy does after losing its server.
 * Usage (by stream-memory.ts): clients.ts <address> <from> <to> [reconnect]
 */
import * as grpc from '@grpc/grpc-js';
import { messageType } from '../../../xds/protos.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE } from '../../../xds/index.ts';
import { namedSubscriptions, nodeIdOf } from './mesh-shape.ts';

const [address, fromArg, toArg, modeArg] = process.argv.slice(2);
const reconnect = modeArg === 'reconnect';
const from = Number(fromArg);
const to = Number(toArg);
const reqType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const resType = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const serialize = (v: Record<string, unknown>): Buffer => Buffer.from(reqType.encode(reqType.fromObject(v)).finish());
interface Res {
  type_url: string;
  nonce: string;
  resources: Array<{ name: string; version: string }>;
  removed_resources: string[];
}
const deserialize = (b: Buffer): Res => resType.decode(b) as unknown as Res;
const PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';
const OPTIONS: grpc.ChannelOptions = { 'grpc.enable_channelz': 0, 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1 };
const TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE];

let complete = 0;
const clients: grpc.Client[] = [];

type Held = Map<string, Record<string, string>>;

/** Syncs client `i`; resolves with what it holds per type, and the client (closed when `keep` is false). */
function connect(i: number, declared: Held | undefined, keep: boolean): Promise<Held> {
  return new Promise((resolve) => {
    const client = new grpc.Client(`ipv4:${address}`, grpc.credentials.createInsecure(), OPTIONS);
    if (keep) clients.push(client);
    const call = client.makeBidiStreamRequest(PATH, serialize, deserialize);
    const seen = new Set<string>();
    const held: Held = new Map(TYPES.map((t) => [t, { ...declared?.get(t) }]));
    call.on('data', (res: Res) => {
      call.write({ type_url: res.type_url, response_nonce: res.nonce });
      const mine = held.get(res.type_url)!;
      for (const r of res.resources ?? []) mine[r.name] = r.version;
      for (const n of res.removed_resources ?? []) delete mine[n];
      seen.add(res.type_url);
      // A reconnected client is answered for its wildcard types only when nothing changed.
      if ((declared ? seen.has(CLUSTER_TYPE) && seen.has(LISTENER_TYPE) : seen.size === TYPES.length) && !seen.has('done')) {
        seen.add('done');
        if (keep) complete++;
        else {
          call.cancel();
          client.close();
        }
        resolve(held);
      }
    });
    call.on('error', (err) => {
      if (seen.has('done')) return;
      process.send?.({ error: `${nodeIdOf(i)}: ${err.message}` });
      resolve(held);
    });
    const initial = (t: string): Record<string, unknown> => (declared ? { initial_resource_versions: declared.get(t) ?? {} } : {});
    const named = namedSubscriptions(i);
    const node = { id: nodeIdOf(i), cluster: nodeIdOf(i).split('-').slice(0, 2).join('-'), user_agent_name: 'envoy', user_agent_build_version: { version: { major_number: 1, minor_number: 31 } } };
    call.write({ node, type_url: CLUSTER_TYPE, ...initial(CLUSTER_TYPE) });
    call.write({ type_url: ENDPOINT_TYPE, resource_names_subscribe: named.endpoints, ...initial(ENDPOINT_TYPE) });
    call.write({ type_url: LISTENER_TYPE, ...initial(LISTENER_TYPE) });
    call.write({ type_url: SECRET_TYPE, resource_names_subscribe: named.secrets, ...initial(SECRET_TYPE) });
  });
}

const BATCH = 100;
for (let i = from; i < to; i += BATCH) {
  const batch: Promise<unknown>[] = [];
  for (let j = i; j < Math.min(to, i + BATCH); j++) {
    batch.push(reconnect ? connect(j, undefined, false).then((held) => connect(j, held, true)) : connect(j, undefined, true));
  }
  await Promise.all(batch);
}
process.send?.({ ready: complete });
process.on('message', (m: { close?: boolean }) => {
  if (m.close) {
    for (const c of clients) c.close();
    process.exit(0);
  }
});
