/**
 * The replay ceiling's clients, in a child process of their own (forked by
 * `replay.ts`): one gRPC client per recorded stream, each on its own
 * connection, which decode every response as a simulated proxy does and ACK
 * it with its nonce. They live apart from the benchmark process because that
 * one already holds the simulated fleet's connections: at 10,000 proxies the
 * two sets together would exceed a 20,000 open-file limit.
 *
 * argv: a JSON file of how many responses each stream gets, and the server's
 * port. IPC: `connected` once every stream has sent its first request, then
 * `done` with the wall-clock time (epoch ms, sub-ms precision) at which the
 * last stream held its last response; `failed` on an error.
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wallClockMs } from './proc-stats.ts';
import { channelTarget, SIM_CHANNEL_OPTIONS } from './sim-proxy.ts';
import { decodeDeltaResponse, DELTA_ADS_PATH, encodeDeltaRequest, type DeltaRequestOut, type ReceivedDelta } from './xds-codec.ts';

/** Messages the clients child sends its parent. */
export type ReplayClientsReply = { kind: 'connected' } | { kind: 'done'; at: number } | { kind: 'failed'; message: string };

function main(): void {
  const counts = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as number[];
  const port = Number(process.argv[3]);
  const send = (m: ReplayClientsReply): void => {
    process.send?.(m);
  };
  const clients: grpc.Client[] = [];
  const calls: Array<grpc.ClientDuplexStream<DeltaRequestOut, ReceivedDelta>> = [];
  let left = counts.length;
  counts.forEach((expected, i) => {
    const client = new grpc.Client(channelTarget(`127.0.0.1:${port}`), grpc.credentials.createInsecure(), SIM_CHANNEL_OPTIONS);
    clients.push(client);
    const call = client.makeBidiStreamRequest<DeltaRequestOut, ReceivedDelta>(DELTA_ADS_PATH, encodeDeltaRequest, decodeDeltaResponse);
    calls.push(call);
    let got = 0;
    call.on('data', (r: ReceivedDelta) => {
      call.write({ type_url: r.typeUrl, response_nonce: r.nonce });
      if (++got === expected && --left === 0) send({ kind: 'done', at: wallClockMs() });
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) send({ kind: 'failed', message: `replay stream ${i}: ${err.message}` });
    });
    call.write({ node: { id: `replay-${i}` }, type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
  });
  send({ kind: 'connected' });
  process.on('message', (m: { kind: string }) => {
    if (m.kind !== 'stop') return;
    for (const c of calls) c.cancel();
    for (const c of clients) c.close();
    process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
