/**
 * A tiny gRPC echo service for data-plane tests: one unary method whose
 * messages are raw bytes; the reply names the server that answered.
 */
import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;

/** The echo service: `/switchboard.test.Echo/Echo`, bytes in, `<server name>:<bytes>` out. */
export const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: '/switchboard.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** A running echo server. */
export interface EchoServer {
  name: string;
  port: number;
  close(): void;
}

/** Starts an echo server on 127.0.0.1:0 that answers with its name. */
export async function startEchoServer(name: string): Promise<EchoServer> {
  const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
  server.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      callback(null, Buffer.from(`${name}:${call.request.toString()}`));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { name, port, close: () => server.forceShutdown() };
}

const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo');

/** A client of the echo service at `target` (e.g. `xds:///echo`). */
export class EchoClientOf {
  private readonly client: grpc.Client;
  constructor(target: string) {
    this.client = new EchoClient(target, grpc.credentials.createInsecure(), { 'grpc.enable_channelz': 0 });
  }

  /** One RPC; resolves with the answer text (`<server name>:<text>`). */
  echo(text: string, deadlineMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const method = (this.client as unknown as Record<string, (req: Buffer, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Buffer) => void) => void>)['Echo']!;
      method.call(this.client, Buffer.from(text), new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
        err ? reject(err) : resolve(res?.toString() ?? ''),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
