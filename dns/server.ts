/** The DNS listeners: one UDP socket and one TCP server answering from the same catalog. */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { DecodedPacket } from 'dns-packet';
import * as dnsPacket from 'dns-packet';
import type { Logger } from 'pino';
import { answerQuery, formatErrorResponse, RCODE } from './answer.ts';
import { CLASSIC_UDP_SIZE, encodeWithinSize, TCP_MAX_SIZE } from './size.ts';
import type { DnsAnswerContext, DnsServerHandle, DnsServerOptions } from './types.ts';

// An idle TCP client is dropped after this long, so abandoned connections do not pile up.
const TCP_IDLE_MS = 30_000;

/** Starts the UDP and TCP listeners; resolves once both are bound. */
export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServerHandle> {
  const domain = (opts.domain ?? 'consul.').toLowerCase().replace(/^\.+|\.+$/g, '');
  const datacenter = (opts.datacenter ?? 'dc1').toLowerCase();
  if (domain === '') throw new Error('dns: domain must not be empty');
  if (!/^[a-z0-9-]+$/.test(datacenter)) throw new Error(`dns: datacenter ${JSON.stringify(datacenter)} is not a DNS label`);
  const now = opts.now ?? Date.now;
  const ctx: DnsAnswerContext = {
    domain,
    datacenter,
    catalog: opts.catalog,
    ttl: opts.ttl ?? 0,
    random: opts.random ?? Math.random,
    serial: () => Math.floor(now() / 1000),
  };
  const logger = opts.logger.child({ component: 'dns' });

  const udp = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => handleUdp(udp, msg, rinfo, ctx, logger));
  udp.on('error', (err) => logger.error({ err }, 'dns udp socket error'));
  const udpPort = await bindUdp(udp, opts.host, opts.port);

  const connections = new Set<TcpSocket>();
  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveTcpConnection(socket, ctx, logger);
  });
  let tcpPort: number;
  try {
    // With port 0, try the UDP port number first so one number serves both transports.
    tcpPort = await listenTcp(tcp, opts.host, opts.port === 0 ? udpPort : opts.port);
  } catch (err) {
    if (opts.port !== 0) {
      udp.close();
      throw err;
    }
    tcpPort = await listenTcp(tcp, opts.host, 0);
  }
  logger.info({ host: opts.host, udpPort, tcpPort, domain, datacenter }, 'dns listening');

  return {
    udpPort,
    tcpPort,
    close: async () => {
      for (const s of connections) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

function bindUdp(udp: Socket, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve(udp.address().port);
    });
  });
}

function listenTcp(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

/**
 * The wire bytes of the response to one message, or undefined to stay silent (responses sent
 * to us, fragments too short to carry an id). maxSize picks the transport's limit from the query.
 */
export function respond(msg: Buffer, ctx: DnsAnswerContext, logger: Logger, maxSize: (q: DecodedPacket) => number): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const id = msg.readUInt16BE(0);
  if (msg.readUInt16BE(2) & 0x8000) return undefined; // QR set: a response, never answer those (loops).
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(msg);
  } catch (err) {
    logger.debug({ err }, 'dns: malformed query');
    return dnsPacket.encode(formatErrorResponse(id));
  }
  try {
    return encodeWithinSize(answerQuery(query, ctx), maxSize(query));
  } catch (err) {
    logger.warn({ err, questions: query.questions }, 'dns: failed to answer');
    const fail = formatErrorResponse(id);
    return dnsPacket.encode({ ...fail, flags: RCODE.SERVFAIL, questions: query.questions ?? [] });
  }
}

/** UDP limit: 512 bytes, or the client's advertised EDNS0 buffer size. */
function udpLimit(query: DecodedPacket): number {
  const opt = (query.additionals ?? []).find((a) => a.type === 'OPT');
  if (opt && opt.type === 'OPT') return Math.min(Math.max(CLASSIC_UDP_SIZE, opt.udpPayloadSize), TCP_MAX_SIZE);
  return CLASSIC_UDP_SIZE;
}

function handleUdp(udp: Socket, msg: Buffer, rinfo: RemoteInfo, ctx: DnsAnswerContext, logger: Logger): void {
  const out = respond(msg, ctx, logger, udpLimit);
  if (out) udp.send(out, rinfo.port, rinfo.address, (err) => err && logger.debug({ err }, 'dns: udp send failed'));
}

/** Reads 2-byte length-prefixed messages (several may be pipelined) and answers each in full. */
function serveTcpConnection(socket: TcpSocket, ctx: DnsAnswerContext, logger: Logger): void {
  let buffered = Buffer.alloc(0);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', (err) => logger.debug({ err }, 'dns: tcp connection error'));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) break;
      const msg = buffered.subarray(2, 2 + len);
      buffered = buffered.subarray(2 + len);
      const out = respond(msg, ctx, logger, () => TCP_MAX_SIZE);
      if (!out) {
        // Not a query we can answer at all: with no id to echo, the stream cannot stay in sync.
        socket.destroy();
        return;
      }
      const frame = Buffer.alloc(2 + out.length);
      frame.writeUInt16BE(out.length, 0);
      out.copy(frame, 2);
      socket.write(frame);
    }
  });
}
