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
import * as grpc from '@grpc/grpc-js';
import { issueServerCertificate, type CAStateStore, type CertificateAuthority } from '../ca/index.ts';
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
  /** When the certificate expires (absent for files: they are not renewed). */
  validBefore?: Date;
}

/** The current TLS material and who wants to hear when it is renewed. */
export class TlsMaterialSource {
  private readonly listeners = new Set<(m: TlsMaterial) => void>();
  constructor(private current: TlsMaterial) {}

  /** The material in use now. */
  get(): TlsMaterial {
    return this.current;
  }

  /** Replaces the material and tells every listener. */
  set(m: TlsMaterial): void {
    this.current = m;
    for (const l of [...this.listeners]) l(m);
  }

  /** Calls `l` on every renewal; returns the unsubscribe function. */
  subscribe(l: (m: TlsMaterial) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdListener = grpc.experimental.IdentityCertificateUpdateListener;

/** Feeds a TlsMaterialSource to grpc-js, so that a renewed certificate reaches new xDS connections without a rebind. */
class SourceCertificateProvider implements grpc.experimental.CertificateProvider {
  private readonly ca = new Set<CaListener>();
  private readonly id = new Set<IdListener>();
  constructor(private readonly source: TlsMaterialSource) {
    source.subscribe((m) => {
      for (const l of this.ca) l({ caCertificate: Buffer.from(m.caPem) });
      for (const l of this.id) l({ certificate: Buffer.from(m.certPem), privateKey: Buffer.from(m.keyPem) });
    });
  }
  // The first update is delivered after a tick, as grpc-js's own providers do: grpc-js registers its
  // server's watcher only after adding these listeners, and would miss a synchronous update.
  addCaCertificateListener(l: CaListener): void {
    this.ca.add(l);
    setImmediate(() => this.ca.has(l) && l({ caCertificate: Buffer.from(this.source.get().caPem) }));
  }
  removeCaCertificateListener(l: CaListener): void {
    this.ca.delete(l);
  }
  addIdentityCertificateListener(l: IdListener): void {
    this.id.add(l);
    setImmediate(() => {
      const m = this.source.get();
      if (this.id.has(l)) l({ certificate: Buffer.from(m.certPem), privateKey: Buffer.from(m.keyPem) });
    });
  }
  removeIdentityCertificateListener(l: IdListener): void {
    this.id.delete(l);
  }
}

/** gRPC server credentials that follow `source`; client certificates are required when the material says so. */
export function grpcServerCredentials(source: TlsMaterialSource): grpc.ServerCredentials {
  const provider = new SourceCertificateProvider(source);
  // grpc-js passes its first argument on as the identity provider; a null CA provider means "request no client certificate".
  return grpc.experimental.createCertificateProviderServerCredentials(provider, source.get().verifyIncoming ? provider : null, source.get().verifyIncoming);
}

// setTimeout holds at most 2^31-1 ms (~24.8 days); longer waits are done in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps a CA-issued server certificate current: re-issues it when the CA's
 * roots change (rotation, pruning) and at two thirds of its lifetime. Returns
 * the stop function.
 */
export function keepServerCertificateFresh(
  source: TlsMaterialSource,
  ca: CertificateAuthority,
  reissue: () => Promise<TlsMaterial>,
  logger: Logger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const renew = (why: string): void => {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        const m = await reissue();
        if (stopped) return;
        source.set(m);
        logger.info({ reason: why, validBefore: m.validBefore?.toISOString() }, 'server TLS certificate renewed');
      } catch (err) {
        logger.error({ err }, 'server TLS certificate renewal failed; keeping the current one');
      }
      schedule();
    });
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    const m = source.get();
    if (!m.validBefore || stopped) return;
    const issued = Date.now();
    const renewAt = issued + (m.validBefore.getTime() - issued) * (2 / 3);
    const step = (): void => {
      const wait = renewAt - Date.now();
      if (wait <= 0) return renew('two thirds of its lifetime passed');
      timer = setTimeout(step, Math.min(wait, MAX_TIMER_MS));
      timer.unref();
    };
    step();
  };
  const unsubscribe = ca.subscribe(() => renew('the CA roots changed'));
  schedule();
  return () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
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
  return { certPem: issued.certPem, keyPem: issued.keyPem, caPem, verifyIncoming, validBefore: issued.validBefore };
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
  source: TlsMaterialSource,
  p: { host: string; port: number; maxHeaderSize?: number; logger: Logger },
): Promise<HttpsListener> {
  const tls = source.get();
  const context = (m: TlsMaterial): { cert: string; key: string; ca: string } => ({ cert: m.certPem, key: m.keyPem, ca: m.caPem });
  const server = createHttpsServer(
    {
      ...context(tls),
      requestCert: tls.verifyIncoming,
      rejectUnauthorized: tls.verifyIncoming,
      maxHeaderSize: p.maxHeaderSize ?? DEFAULT_API_LIMITS.maxHeaderSize,
    },
    (req, res) => app.routing(req, res),
  );
  // A renewed certificate applies to new connections; open ones keep theirs.
  const unsubscribe = source.subscribe((m) => server.setSecureContext(context(m)));
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
        unsubscribe();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
