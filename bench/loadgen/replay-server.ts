/**
 * The replay ceiling's server: a bare @grpc/grpc-js server with no control
 * plane. It reads recorded delta responses (one list per stream) from a file
 * and, when told `go`, writes each stream's list, already encoded, to that
 * stream, and reports when it started (`started`, epoch ms). Requests are not decoded beyond the first one, which names the
 * stream (node.id `replay-<i>`). Run as a child process by `replay.ts`.
 */
import { raiseListenBacklog } from '../../xds/server/listen-backlog.ts';
import { XDS_LISTEN_BACKLOG } from '../../xds/server/ads-server.ts';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { messageType } from '../../xds/index.ts';
import { wallClockMs } from './proc-stats.ts';
import { DELTA_ADS_PATH } from './xds-codec.ts';

/** Splits the recording file: u32 stream count, then per stream u32 message count and (u32 length, bytes) per message. */
export function readRecording(bytes: Buffer): Buffer[][] {
  let off = 0;
  const u32 = (): number => {
    const v = bytes.readUInt32LE(off);
    off += 4;
    return v;
  };
  const streams: Buffer[][] = [];
  const n = u32();
  for (let i = 0; i < n; i++) {
    const count = u32();
    const list: Buffer[] = [];
    for (let k = 0; k < count; k++) {
      const len = u32();
      list.push(bytes.subarray(off, off + len));
      off += len;
    }
    streams.push(list);
  }
  return streams;
}

/** Encodes recordings in the format `readRecording` reads. */
export function writeRecording(streams: readonly Buffer[][]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  parts.push(u32(streams.length));
  for (const list of streams) {
    parts.push(u32(list.length));
    for (const m of list) parts.push(u32(m.length), m);
  }
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const streams = readRecording(readFileSync(process.argv[2] as string));
  const calls: Array<grpc.ServerDuplexStream<Buffer, Buffer> | undefined> = streams.map(() => undefined);
  let identified = 0;
  const requestType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  const server = new grpc.Server({ 'grpc.enable_channelz': 0, 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  // The same accept queue as the real xDS port, so the ceiling is not limited by a shallower one.
  raiseListenBacklog(server, XDS_LISTEN_BACKLOG);
  server.register<Buffer, Buffer>(
    DELTA_ADS_PATH,
    (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      let named = false;
      call.on('data', (req: Buffer) => {
        if (named) return;
        named = true;
        const id = (requestType.decode(req) as unknown as { node?: { id?: string } }).node?.id ?? '';
        const i = Number(id.replace(/^replay-/, ''));
        if (!Number.isInteger(i) || i < 0 || i >= calls.length) {
          call.end();
          return;
        }
        calls[i] = call;
        if (++identified === calls.length) process.send?.({ kind: 'ready' });
      });
      call.on('error', () => undefined);
    },
    (b: Buffer) => b,
    (b: Buffer) => b,
    'bidi',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'go') {
      // The replay is timed from here to the clients' last response, both read on the shared wall clock.
      const at = wallClockMs();
      calls.forEach((call, i) => {
        for (const b of streams[i] ?? []) call?.write(b);
      });
      process.send?.({ kind: 'started', at });
    } else if (m.kind === 'stop') {
      server.forceShutdown();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ kind: 'listening', port });
}

if (process.send && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
