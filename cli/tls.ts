/**
 * The server's TLS material for the HTTPS API and the xDS gRPC port: either
 * given as files (`--tls-cert-file`, `--tls-key-file`, `--tls-ca-file`) or
 * issued at start by the built-in CA for `localhost`, `server.<dc>.consul`
 * and 127.0.0.1 (plus the listen hosts when they are names or addresses).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { issueServerCertificate, type CAStateStore } from '../ca/index.ts';
import { clientErrorHandler, DEFAULT_API_LIMITS } from '../api/limits.ts';

/** How the server gets and uses its certificate. */
export interface ServerTlsOptions {
  /** HTTPS API address; without a port no HTTPS listener starts. 0 picks a free port. */
  httpsHost?: string;
  httpsPort?: number;
  /** TLS on the xDS gRPC port. */
  grpc: boolean;
  /** PEM files; cert and key come together. Without them the built-in CA issues a certificate. */
  certFile?: string;
  keyFile?: string;
  /** Roots clients are told to trust and client certificates are checked against; the built-in CA's roots by default. */
  caFile?: string;
  /** Require and verify client certificates (signed by the CA) on both TLS ports. */
  verifyIncoming?: boolean;
}

/** Certificate, key and trusted roots, all PEM. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  caPem: string;
  verifyIncoming: boolean;
}

function readPem(file: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${flag}: ${file} holds no PEM block`);
  return text;
}

/** Loads the configured files, or issues a certificate from the CA whose state is in `caStore`. */
export async function loadTlsMaterial(
  opts: ServerTlsOptions,
  ca: { store: CAStateStore; datacenter: string; hosts?: readonly string[] },
): Promise<TlsMaterial> {
  const verifyIncoming = opts.verifyIncoming ?? false;
  if ((opts.certFile === undefined) !== (opts.keyFile === undefined)) {
    throw new Error('--tls-cert-file and --tls-key-file: give both or neither');
  }
  if (opts.certFile !== undefined && opts.keyFile !== undefined) {
    const certPem = readPem(opts.certFile, '--tls-cert-file');
    const keyPem = readPem(opts.keyFile, '--tls-key-file');
    // Without a CA file, clients are pointed at the certificate's own chain (a self-signed setup).
    const caPem = opts.caFile ? readPem(opts.caFile, '--tls-ca-file') : certPem;
    return { certPem, keyPem, caPem, verifyIncoming };
  }
  const dnsNames = new Set(['localhost', `server.${ca.datacenter}.consul`]);
  const ipAddresses = new Set(['127.0.0.1', '::1']);
  for (const h of ca.hosts ?? []) {
    if (h === '' || h === '0.0.0.0' || h === '::') continue;
    if (isIP(h)) ipAddresses.add(h);
    else dnsNames.add(h);
  }
  const issued = await issueServerCertificate(ca.store, { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses], commonName: `server.${ca.datacenter}.consul` });
  const caPem = opts.caFile ? readPem(opts.caFile, '--tls-ca-file') : issued.caPem;
  return { certPem: issued.certPem, keyPem: issued.keyPem, caPem, verifyIncoming };
}

/** A running HTTPS listener in front of the API's router. */
export interface HttpsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the same fastify app over HTTPS on a second port: the app's router
 * (`app.routing`) handles each request, so hooks, ACLs and limits are shared
 * with the plain HTTP port. The app must be ready (listening) first.
 */
export async function startHttpsListener(
  app: FastifyInstance,
  tls: TlsMaterial,
  p: { host: string; port: number; maxHeaderSize?: number; logger: Logger },
): Promise<HttpsListener> {
  const server = createHttpsServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      ca: tls.caPem,
      requestCert: tls.verifyIncoming,
      rejectUnauthorized: tls.verifyIncoming,
      maxHeaderSize: p.maxHeaderSize ?? DEFAULT_API_LIMITS.maxHeaderSize,
    },
    (req, res) => app.routing(req, res),
  );
  server.on('clientError', clientErrorHandler(p.logger));
  // A failed handshake (plaintext client, missing client certificate) is logged once, at debug: scanners make many.
  server.on('tlsClientError', (err, socket) => p.logger.debug({ client: socket.remoteAddress, reason: err.message }, 'TLS handshake refused'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p.port, p.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : p.port;
  p.logger.info({ host: p.host, port, verifyIncoming: tls.verifyIncoming }, 'HTTPS API listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
