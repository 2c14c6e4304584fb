/**
 * The client side of the memory probe, run as a child process so that the
 * server's memory figures are its own: N delta ADS clients, each on its own
 * HTTP/2 connection, subscribing the way a sidecar does (wildcard CDS and LDS,
 * named EDS and SDS) and ACKing every response. Tells its parent `{ready}`
 * once every client has received a response of each type.
 * Usage (by stream-memory.ts): clients.ts <address> <from> <to>
 */
import * as grpc from '@grpc/grpc-js';
import { messageType } from '../../../xds/protos.ts';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE } from '../../../xds/index.ts';
import { namedSubscriptions, nodeIdOf } from './mesh-shape.ts';

const [address, fromArg, toArg] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
const reqType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const resType = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const serialize = (v: Record<string, unknown>): Buffer => Buffer.from(reqType.encode(reqType.fromObject(v)).finish());
const deserialize = (b: Buffer): { type_url: string; nonce: string } => resType.decode(b) as unknown as { type_url: string; nonce: string };
const PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';
const OPTIONS: grpc.ChannelOptions = { 'grpc.enable_channelz': 0, 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': -1 };
const TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, SECRET_TYPE];

let complete = 0;
const clients: grpc.Client[] = [];

function connect(i: number): Promise<void> {
  return new Promise((resolve) => {
    const client = new grpc.Client(`ipv4:${address}`, grpc.credentials.createInsecure(), OPTIONS);
    clients.push(client);
    const call = client.makeBidiStreamRequest(PATH, serialize, deserialize);
    const seen = new Set<string>();
    call.on('data', (res: { type_url: string; nonce: string }) => {
      call.write({ type_url: res.type_url, response_nonce: res.nonce });
      seen.add(res.type_url);
      if (seen.size === TYPES.length && !seen.has('done')) {
        seen.add('done');
        complete++;
        resolve();
      }
    });
    call.on('error', (err) => {
      process.send?.({ error: `${nodeIdOf(i)}: ${err.message}` });
      resolve();
    });
    const named = namedSubscriptions(i);
    const node = { id: nodeIdOf(i), cluster: nodeIdOf(i).split('-').slice(0, 2).join('-'), user_agent_name: 'envoy', user_agent_build_version: { version: { major_number: 1, minor_number: 31 } } };
    call.write({ node, type_url: CLUSTER_TYPE });
    call.write({ type_url: ENDPOINT_TYPE, resource_names_subscribe: named.endpoints });
    call.write({ type_url: LISTENER_TYPE });
    call.write({ type_url: SECRET_TYPE, resource_names_subscribe: named.secrets });
  });
}

const BATCH = 100;
for (let i = from; i < to; i += BATCH) {
  const batch: Promise<void>[] = [];
  for (let j = i; j < Math.min(to, i + BATCH); j++) batch.push(connect(j));
  await Promise.all(batch);
}
process.send?.({ ready: complete });
process.on('message', (m: { close?: boolean }) => {
  if (m.close) {
    for (const c of clients) c.close();
    process.exit(0);
  }
});
