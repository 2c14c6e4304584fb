/** The `switchboard` command line. */
import { Command, Option } from 'commander';
import { createLogger, LOG_LEVELS } from './logger.ts';
import { defaultServerOptions, startServer } from './server.ts';
import { addBootstrapCommands } from './bootstrap.ts';
import { addValidateCommands } from './validate.ts';
import { splitHostPort } from './host-port.ts';

interface ServerFlags {
  dev: boolean;
  devInMemory: boolean;
  nodeName?: string;
  dataDir: string;
  datacenter: string;
  httpAddr: string;
  grpcAddr: string;
  dnsAddr: string;
  dnsDomain: string;
  defaultIntentionPolicy: 'allow' | 'deny';
  /** false with --no-acl. */
  acl: boolean;
  aclEnabled?: boolean;
  aclDefaultPolicy: 'allow' | 'deny';
  httpsAddr?: string;
  grpcTls?: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsCaFile?: string;
  tlsVerifyIncoming?: boolean;
  maxBodyBytes?: number;
  maxJsonDepth?: number;
  maxHeaderBytes?: number;
  maxParkedQueriesPerClient?: number;
  maxXdsResourceNames?: number;
  maxXdsStreamsPerClient?: number;
  coalesceMs?: number;
}

/** Parses a positive integer flag value, naming the flag when it is not one. */
function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new Error(`${flag}: expected a positive integer, got "${v}"`);
    return Number(v);
  };
}

/** Parses a whole number of milliseconds (0 allowed), naming the flag when it is not one. */
function milliseconds(flag: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) > 60_000) throw new Error(`${flag}: expected milliseconds from 0 to 60000, got "${v}"`);
    return Number(v);
  };
}

/** Builds the command tree (exported so tests can read every command's help). */
export function buildProgram(): Command {
  const program = new Command('switchboard')
    .description('Service-mesh control plane: Envoy xDS with a Consul-compatible API')
    .showHelpAfterError()
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'));

  program
    .command('server')
    .description('run the control plane (HTTP API, xDS gRPC)')
    .option('--dev', 'development mode: ACLs off, plaintext (the store stays in --data-dir)', false)
    .option('--dev-in-memory', 'keep the store in memory instead of --data-dir (everything is lost on exit)', false)
    .option('--node-name <name>', "this agent's node name (default: the host name)")
    .option('--data-dir <dir>', 'where the store keeps its data', './data')
    .option('--datacenter <name>', 'datacenter name', 'dc1')
    .option('--http-addr <host:port>', 'HTTP API address', '127.0.0.1:8500')
    .option('--grpc-addr <host:port>', 'xDS gRPC address', '127.0.0.1:8502')
    .option('--dns-addr <host:port|off>', 'DNS interface address (UDP and TCP), or "off"', '127.0.0.1:8600')
    .option('--dns-domain <domain>', 'DNS domain answered', 'consul.')
    .addOption(
      new Option('--default-intention-policy <policy>', 'what happens when no intention matches').choices(['allow', 'deny']).default('deny'),
    )
    .option('--acl-enabled', 'enforce ACL tokens on the HTTP API and xDS (the default, except with --dev)')
    .option('--no-acl', 'turn ACLs off (anyone who reaches the ports can do anything)')
    .addOption(new Option('--acl-default-policy <policy>', 'what a token may do where no rule applies').choices(['allow', 'deny']).default('deny'))
    .option('--https-addr <host:port|off>', 'HTTPS API address, or "off" (default 127.0.0.1:8501; off with --dev). The HTTP port stays plaintext')
    .option('--grpc-tls', 'TLS on the xDS gRPC port (the default, except with --dev)')
    .option('--no-grpc-tls', 'plaintext xDS gRPC port')
    .option('--tls-cert-file <file>', "PEM server certificate for HTTPS and xDS (default: issued by the built-in CA)")
    .option('--tls-key-file <file>', 'PEM private key of --tls-cert-file')
    .option('--tls-ca-file <file>', 'PEM CA roots clients trust and client certificates are checked against (default: the built-in CA roots)')
    .option('--tls-verify-incoming', 'require client certificates signed by the CA on the HTTPS and xDS ports', false)
    .option('--coalesce-ms <ms>', 'the mesh engine\'s coalescing window: rebuild rounds start at most this often; a change after a quiet spell goes at once (default 50)', milliseconds('--coalesce-ms'))
    .option('--max-body-bytes <n>', 'largest HTTP request body (413 beyond)', positiveInt('--max-body-bytes'))
    .option('--max-json-depth <n>', 'deepest JSON nesting in a request body (400 beyond)', positiveInt('--max-json-depth'))
    .option('--max-header-bytes <n>', 'largest HTTP request head (431 beyond)', positiveInt('--max-header-bytes'))
    .option('--max-parked-queries-per-client <n>', 'blocking queries one client address may have waiting (429 beyond)', positiveInt('--max-parked-queries-per-client'))
    .option('--max-xds-resource-names <n>', 'resource names in one xDS request (RESOURCE_EXHAUSTED beyond)', positiveInt('--max-xds-resource-names'))
    .option('--max-xds-streams-per-client <n>', 'concurrent xDS streams from one client address (RESOURCE_EXHAUSTED beyond)', positiveInt('--max-xds-streams-per-client'))
    .action(async (o: ServerFlags) => {
      const aclEnabled = o.aclEnabled === true || (o.acl && !o.dev);
      const logger = createLogger(program.opts<{ logLevel: string }>().logLevel);
      const http = splitHostPort(o.httpAddr, '--http-addr');
      const grpc = splitHostPort(o.grpcAddr, '--grpc-addr');
      const dns = o.dnsAddr === 'off' ? undefined : splitHostPort(o.dnsAddr, '--dns-addr');
      const httpsAddr = o.httpsAddr ?? (o.dev ? 'off' : '127.0.0.1:8501');
      const https = httpsAddr === 'off' ? undefined : splitHostPort(httpsAddr, '--https-addr');
      const grpcTls = o.grpcTls ?? !o.dev;
      const server = await startServer({
        ...defaultServerOptions(logger),
        dev: o.dev,
        inMemory: o.devInMemory,
        ...(o.nodeName ? { nodeName: o.nodeName } : {}),
        dataDir: o.dataDir,
        datacenter: o.datacenter,
        httpHost: http.host,
        httpPort: http.port,
        grpcHost: grpc.host,
        grpcPort: grpc.port,
        dnsHost: dns?.host,
        dnsPort: dns ? dns.port : -1,
        dnsDomain: o.dnsDomain,
        defaultIntentionPolicy: o.defaultIntentionPolicy,
        ...(o.coalesceMs !== undefined ? { coalesceMs: o.coalesceMs } : {}),
        acl: { enabled: aclEnabled, defaultPolicy: o.aclDefaultPolicy },
        tls: {
          httpsHost: https?.host,
          httpsPort: https?.port,
          grpc: grpcTls,
          certFile: o.tlsCertFile,
          keyFile: o.tlsKeyFile,
          caFile: o.tlsCaFile,
          verifyIncoming: o.tlsVerifyIncoming,
        },
        limits: {
          bodyLimit: o.maxBodyBytes,
          maxJsonDepth: o.maxJsonDepth,
          maxHeaderSize: o.maxHeaderBytes,
          maxParkedQueriesPerClient: o.maxParkedQueriesPerClient,
          maxResourceNamesPerRequest: o.maxXdsResourceNames,
          maxStreamsPerClient: o.maxXdsStreamsPerClient,
        },
      });
      const dnsText = server.dns ? `  DNS ${dns?.host}:${server.dns.udpPort}/udp,${server.dns.tcpPort}/tcp` : '';
      process.stdout.write(
        `switchboard ${o.dev ? '(dev mode) ' : ''}listening: HTTP API http://${server.httpAddress}${server.httpsAddress ? `  HTTPS API https://${server.httpsAddress}` : ''}  xDS gRPC ${server.grpcAddress}${grpcTls ? ' (TLS)' : ''}${dnsText}  data ${o.dataDir}\n`,
      );
      if (o.dev && !grpcTls && !https) process.stdout.write(`dev mode: ${aclEnabled ? '' : 'ACLs are off and '}every port is plaintext; do not expose this server\n`);
      if (grpcTls) process.stdout.write('xDS uses TLS: give proxies the CA with `switchboard bootstrap envoy|grpc --tls` (or --ca-file)\n');
      if (aclEnabled) {
        const bootstrapped = server.acl?.store.read().state.bootstrapIndex !== undefined;
        process.stdout.write(
          `ACLs are on (default policy ${o.aclDefaultPolicy})${bootstrapped ? '' : `: create the first management token with PUT http://${server.httpAddress}/v1/acl/bootstrap`}\n`,
        );
      } else if (!o.dev) {
        process.stdout.write('ACLs are off (--no-acl): anyone who reaches these ports can change the mesh and obtain certificates\n');
      }
      const stop = async (): Promise<void> => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  addBootstrapCommands(program);
  addValidateCommands(program);
  return program;
}

/** Runs the CLI with the process arguments. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`switchboard: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
