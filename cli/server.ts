/**
 * The composition root: opens the store, starts the xDS gRPC server and the
 * HTTP API, and wires them together. Tests start whole servers through here.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../api/app.ts';
import { AclStore, openSqliteStore, registerAgentNode, type CatalogStore } from '../catalog/index.ts';
import { AclResolver } from '../policy/acl/index.ts';
import { aclStreamAuthorizer, registeredServiceOf } from '../xds/server/index.ts';
import { SnapshotCache, XdsServer } from '../xds/index.ts';
import { caIdentitySource, MeshEngine } from '../xds/engine/index.ts';
import { GRPC_CERT_PROVIDER_INSTANCE } from '../xds/bootstrap/grpc.ts';
import { HealthSync } from '../catalog/health-sync.ts';
import { catalogCAStateStore, LeafManager, openCertificateAuthority, type CertificateAuthority } from '../ca/index.ts';
import { startDnsServer, storeDnsCatalog, type DnsServerHandle } from '../dns/index.ts';
import type { ApiLimits } from '../api/limits.ts';
import type { XdsLimits } from '../xds/server/index.ts';
import {
  grpcServerCredentials,
  keepServerCertificateFresh,
  loadTlsMaterial,
  startHttpsListener,
  TlsMaterialSource,
  type HttpsListener,
  type ServerTlsOptions,
} from './tls.ts';

/** Everything `switchboard server` can be told. */
export interface ServerOptions {
  /** Development mode: in-memory store allowed, ACLs off, plaintext. */
  dev: boolean;
  dataDir: string;
  datacenter: string;
  httpHost: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  grpcHost: string;
  grpcPort: number;
  logger: Logger;
  /** Keep the store in memory instead of `<dataDir>/catalog.db` (`--dev-in-memory`); lost on exit. */
  inMemory?: boolean;
  /** The agent's node name; the host name by default. */
  nodeName?: string;
  /** The agent node's address; 127.0.0.1 by default. */
  nodeAddress?: string;
  /** DNS interface address; port 0 picks free ports, -1 turns DNS off. Default 127.0.0.1:8600. */
  dnsHost?: string;
  dnsPort?: number;
  /** DNS domain, `consul.` by default. */
  dnsDomain?: string;
  /** What happens when no intention matches: deny unless told otherwise (secure by default). */
  defaultIntentionPolicy?: 'allow' | 'deny';
  /** How long the mesh engine gathers changes before rebuilding proxies (ms); 50 by default. */
  coalesceMs?: number;
  /**
   * ACLs on the HTTP API and on xDS streams. Default: on with default policy
   * deny, unless `dev` (secure by default; `--dev` or `--no-acl` turn them off).
   */
  acl?: { enabled: boolean; defaultPolicy?: 'allow' | 'deny' };
  /**
   * TLS: an HTTPS API listener (when `httpsPort` is set) and TLS on the xDS
   * port (`grpc`). Absent: every port is plaintext. The CLI turns both on
   * unless `--dev`; the HTTP port stays plaintext in every mode, as Consul's.
   */
  tls?: ServerTlsOptions;
  /** Request limits of the HTTP API and the xDS server; defaults in DEFAULT_API_LIMITS and XdsLimits. */
  limits?: Partial<ApiLimits> & XdsLimits;
}

function mustHave<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('server is still starting');
  return v;
}

/** A running server and how to stop it. */
export interface RunningServer {
  api: FastifyInstance;
  store: CatalogStore;
  /** The ADS gRPC server (status: `xds.proxies()`). */
  xds: XdsServer;
  /** The resource cache the ADS server answers from. */
  xdsCache: SnapshotCache;
  ca: CertificateAuthority;
  leaves: LeafManager;
  health: HealthSync;
  /** Keeps every connected proxy's resources current. */
  engine: MeshEngine;
  /** The ACL tokens and policies, and the resolver (absent when ACLs are off). */
  acl?: { store: AclStore; resolver: AclResolver };
  /** The DNS interface's ports (absent when DNS is off). */
  dns?: DnsServerHandle;
  httpAddress: string;
  grpcAddress: string;
  /** `host:port` of the HTTPS API (absent when off). */
  httpsAddress?: string;
  /** The roots TLS clients should trust (absent when no port uses TLS). */
  tlsCaPem?: string;
  close(): Promise<void>;
}

/** Default options for a server on the usual Consul ports. */
export function defaultServerOptions(logger: Logger): ServerOptions {
  return {
    dev: false,
    dataDir: './data',
    datacenter: 'dc1',
    httpHost: '127.0.0.1',
    httpPort: 8500,
    grpcHost: '127.0.0.1',
    grpcPort: 8502,
    logger,
  };
}

/** Starts every component and resolves once all listen. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.logger;
  // The store is the SQLite file under the data dir, in dev mode too, so that
  // `npm start` keeps its data across restarts; only --dev-in-memory skips the disk.
  const store = openSqliteStore({ path: opts.inMemory ? ':memory:' : join(opts.dataDir, 'catalog.db') });
  const agent = { node: opts.nodeName || hostname(), address: opts.nodeAddress ?? '127.0.0.1', datacenter: opts.datacenter };
  const xdsCache = new SnapshotCache();
  let engine: MeshEngine | undefined;
  const aclOn = opts.acl?.enabled ?? !opts.dev;
  const aclStore = new AclStore(store);
  const acl = aclOn ? { store: aclStore, resolver: new AclResolver(() => aclStore.read(), opts.acl?.defaultPolicy ?? 'deny') } : undefined;
  const streamAuth = acl
    ? aclStreamAuthorizer({
        resolver: acl.resolver,
        serviceOf: registeredServiceOf(store),
        onAclChange: (l) => aclStore.subscribe(l),
        logger: log,
      })
    : undefined;
  const xds = new XdsServer({
    authorizeStream: streamAuth?.authorize,
    // The engine is the cache as the server sees it; it exists once the CA does.
    cache: { createWatch: (req, respond) => mustHave(engine).createWatch(req, respond), fetch: (req) => mustHave(engine).fetch(req) },
    logger: log,
    limits: opts.limits,
  });
  const health = new HealthSync(store, agent.node, log.child({ component: 'health' }));
  let api: FastifyInstance | undefined;
  let dns: DnsServerHandle | undefined;
  let ca: CertificateAuthority | undefined;
  let leaves: LeafManager | undefined;
  let grpcPort: number;
  let https: HttpsListener | undefined;
  let tls: TlsMaterialSource | undefined;
  let stopRenewal: (() => void) | undefined;
  try {
    await registerAgentNode(store, agent);
    ca = await openCertificateAuthority({ store: catalogCAStateStore(store), datacenter: opts.datacenter, logger: log.child({ component: 'ca' }) });
    leaves = new LeafManager({ ca, logger: log.child({ component: 'leaf' }) });
    engine = new MeshEngine({
      store,
      cache: xdsCache,
      identity: caIdentitySource(ca, leaves),
      datacenter: opts.datacenter,
      defaultAllow: opts.defaultIntentionPolicy === 'allow',
      grpcCertificateProvider: GRPC_CERT_PROVIDER_INSTANCE,
      logger: log,
      coalesceMs: opts.coalesceMs,
    });
    const meshEngine = engine;
    leaves.subscribe((u) => meshEngine.onLeafChanged(u.service));
    ca.subscribe(() => meshEngine.onRootsChanged());
    health.start();
    const tlsOpts = opts.tls;
    if (tlsOpts && (tlsOpts.grpc || tlsOpts.httpsPort !== undefined)) {
      const load = () =>
        loadTlsMaterial(tlsOpts, { store: catalogCAStateStore(store), datacenter: opts.datacenter, hosts: [opts.grpcHost, tlsOpts.httpsHost ?? opts.httpHost] });
      tls = new TlsMaterialSource(await load());
      // Only a certificate the CA issued is renewed; files stay as given.
      if (tlsOpts.certFile === undefined) stopRenewal = keepServerCertificateFresh(tls, ca, load, log.child({ component: 'tls' }));
    }
    grpcPort = await xds.listen(opts.grpcHost, opts.grpcPort, opts.tls?.grpc && tls ? grpcServerCredentials(tls) : undefined);
    api = await buildApi({
      logger: log,
      datacenter: opts.datacenter,
      store,
      agent,
      xds,
      updateTTL: (id, status, output) => health.updateTTL(id, status, output),
      ca: { authority: ca, leaves },
      proxyProblems: engine,
      defaultIntentionAllow: opts.defaultIntentionPolicy === 'allow',
      acl,
      limits: opts.limits,
      metrics: { xds, xdsTraffic: xds, cache: xdsCache, engine, registry: xds.metrics },
    });
    await api.listen({ host: opts.httpHost, port: opts.httpPort });
    if (tls && opts.tls?.httpsPort !== undefined) {
      https = await startHttpsListener(api, tls, {
        host: opts.tls.httpsHost ?? opts.httpHost,
        port: opts.tls.httpsPort,
        maxHeaderSize: opts.limits?.maxHeaderSize,
        logger: log,
      });
    }
    if ((opts.dnsPort ?? 8600) >= 0) {
      dns = await startDnsServer({
        host: opts.dnsHost ?? '127.0.0.1',
        port: opts.dnsPort ?? 8600,
        domain: opts.dnsDomain,
        datacenter: opts.datacenter,
        catalog: storeDnsCatalog(store),
        logger: log.child({ component: 'dns' }),
      });
    }
  } catch (err) {
    engine?.close();
    stopRenewal?.();
    await https?.close();
    await api?.close();
    health.stop();
    leaves?.close();
    ca?.close();
    streamAuth?.close();
    await xds.close();
    store.close();
    throw err;
  }
  const httpAddr = api.server.address();
  const httpAddress = httpAddr && typeof httpAddr === 'object' ? `${opts.httpHost}:${httpAddr.port}` : String(httpAddr);
  const grpcAddress = `${opts.grpcHost}:${grpcPort}`;
  return {
    api,
    store,
    xds,
    xdsCache,
    ca,
    leaves,
    health,
    engine: mustHave(engine),
    acl,
    dns,
    httpAddress,
    grpcAddress,
    httpsAddress: https ? `${opts.tls?.httpsHost ?? opts.httpHost}:${https.port}` : undefined,
    get tlsCaPem() {
      return tls?.get().caPem;
    },
    async close() {
      stopRenewal?.();
      await https?.close();
      await api.close();
      await dns?.close();
      health.stop();
      engine?.close();
      leaves.close();
      ca.close();
      streamAuth?.close();
      await xds.close();
      store.close();
    },
  };
}
