/** `switchboard bootstrap envoy|grpc` and `switchboard certs`: what a proxy needs to start. */
import type { Command } from 'commander';
import { buildEnvoyBootstrap } from '../xds/bootstrap/envoy.ts';
import { buildGrpcBootstrap, GRPC_CERT_PROVIDER_INSTANCE } from '../xds/bootstrap/grpc.ts';
import { apiGet, httpBaseUrl, type ApiTarget } from './api-client.ts';
import { refreshCertFiles, watchCertFiles } from './cert-files.ts';
import { splitHostPort } from './host-port.ts';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The PEM a proxy should trust for the xDS server: `--ca-file`, or with
 * `--tls` the CA roots fetched from `/v1/connect/ca/roots` (the built-in CA
 * signs the server's certificate by default); undefined means plaintext xDS.
 */
async function xdsCaPem(target: ApiTarget, o: { caFile?: string; tls?: boolean }): Promise<string | undefined> {
  if (o.caFile) {
    let text: string;
    try {
      text = readFileSync(o.caFile, 'utf8');
    } catch (err) {
      throw new Error(`--ca-file: cannot read ${o.caFile}: ${(err as Error).message}`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--ca-file: ${o.caFile} holds no PEM certificate`);
    return text;
  }
  if (!o.tls) return undefined;
  const roots = (await apiGet<{ Roots: { RootCert: string }[] }>(target, '/v1/connect/ca/roots')).body;
  if (roots.Roots.length === 0) throw new Error('--tls: the server lists no CA roots');
  return roots.Roots.map((r) => r.RootCert.trimEnd() + '\n').join('');
}


interface AgentService {
  ID: string;
  Service: string;
  Kind?: string;
  Namespace?: string;
  Connect?: { Native?: boolean };
  Proxy?: { DestinationServiceName?: string };
}

interface AgentSelf {
  Config: { Datacenter: string };
}

async function lookupService(target: ApiTarget, id: string): Promise<{ svc: AgentService; datacenter: string }> {
  const svc = (await apiGet<AgentService>(target, `/v1/agent/service/${encodeURIComponent(id)}`)).body;
  const self = (await apiGet<AgentSelf>(target, '/v1/agent/self')).body;
  return { svc, datacenter: self.Config.Datacenter };
}

function targetOf(o: { httpAddr: string; token?: string }): ApiTarget {
  return { baseUrl: httpBaseUrl(o.httpAddr), token: o.token };
}

/** Adds the bootstrap and certs commands to the program. */
export function addBootstrapCommands(program: Command): void {
  const bootstrap = program.command('bootstrap').description('print a bootstrap for an Envoy sidecar or a proxyless gRPC service');

  bootstrap
    .command('envoy')
    .description('print an Envoy bootstrap (JSON) for a registered connect-proxy')
    .requiredOption('--proxy-id <id>', "the sidecar's registered service ID (becomes node.id)")
    .option('--http-addr <host:port>', 'Switchboard HTTP API', '127.0.0.1:8500')
    .option('--grpc-addr <host:port>', 'Switchboard xDS address Envoy connects to', '127.0.0.1:8502')
    .option('--admin-bind <host:port>', "Envoy's admin listener", '127.0.0.1:19000')
    .option('--token <token>', 'ACL token, sent as x-consul-token on the xDS stream')
    .option('--prometheus-bind <host:port>', 'serve Envoy metrics for Prometheus at /metrics on this address')
    .option('--ca-file <file>', 'PEM CA that signs the xDS server certificate: Envoy connects over TLS and verifies it')
    .option('--tls', "connect to xDS over TLS, trusting the server's CA roots from /v1/connect/ca/roots")
    .action(async (o: { proxyId: string; httpAddr: string; grpcAddr: string; adminBind: string; token?: string; prometheusBind?: string; caFile?: string; tls?: boolean }) => {
      const { svc, datacenter } = await lookupService(targetOf(o), o.proxyId);
      if (svc.Kind !== 'connect-proxy') {
        throw new Error(`--proxy-id: service "${o.proxyId}" is not a connect-proxy (Kind: ${svc.Kind ?? 'typical'})`);
      }
      const xds = splitHostPort(o.grpcAddr, '--grpc-addr');
      const admin = splitHostPort(o.adminBind, '--admin-bind');
      const out = buildEnvoyBootstrap({
        proxyId: svc.ID,
        // node.cluster names the service the sidecar fronts (`web`), not the proxy's own registration (`web-sidecar-proxy`).
        serviceName: svc.Proxy?.DestinationServiceName || svc.Service,
        namespace: svc.Namespace ?? 'default',
        datacenter,
        xdsHost: xds.host,
        xdsPort: xds.port,
        adminHost: admin.host,
        adminPort: admin.port,
        token: o.token,
        prometheusBind: o.prometheusBind ? splitHostPort(o.prometheusBind, '--prometheus-bind') : undefined,
        xdsCaPEM: await xdsCaPem(targetOf(o), o),
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  bootstrap
    .command('grpc')
    .description('print a gRPC xDS bootstrap (JSON) for a Connect-native service and write its certificates')
    .requiredOption('--service-id <id>', "the service's registered ID (becomes node.id)")
    .requiredOption('--cert-dir <dir>', 'where to write cert.pem, key.pem and roots.pem')
    .option('--http-addr <host:port>', 'Switchboard HTTP API', '127.0.0.1:8500')
    .option('--grpc-addr <host:port>', 'Switchboard xDS address gRPC connects to', '127.0.0.1:8502')
    .option('--token <token>', 'ACL token for the HTTP API')
    .option('--ca-file <file>', 'PEM CA that signs the xDS server certificate: gRPC connects over TLS and verifies it')
    .option('--tls', "connect to xDS over TLS, trusting the server's CA roots (written to <cert-dir>/xds-ca.pem)")
    .action(async (o: { serviceId: string; certDir: string; httpAddr: string; grpcAddr: string; token?: string; caFile?: string; tls?: boolean }) => {
      const target = targetOf(o);
      const { svc, datacenter } = await lookupService(target, o.serviceId);
      if (!svc.Connect?.Native) {
        throw new Error(`--service-id: service "${o.serviceId}" is not Connect-native (register it with "Connect": {"Native": true})`);
      }
      splitHostPort(o.grpcAddr, '--grpc-addr');
      await refreshCertFiles(target, svc.Service, o.certDir);
      let xdsCaFile: string | undefined;
      if (o.caFile) {
        await xdsCaPem(target, o); // checks the file now rather than when gRPC starts
        xdsCaFile = path.resolve(o.caFile);
      } else if (o.tls) {
        xdsCaFile = path.resolve(o.certDir, 'xds-ca.pem');
        await fs.writeFile(xdsCaFile, (await xdsCaPem(target, o))!, { mode: 0o644 });
      }
      const out = buildGrpcBootstrap({
        serviceId: svc.ID,
        serviceName: svc.Service,
        namespace: svc.Namespace ?? 'default',
        datacenter,
        xdsServerUri: o.grpcAddr,
        certDir: o.certDir,
        certificateProviderInstance: GRPC_CERT_PROVIDER_INSTANCE,
        xdsCaFile,
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  program
    .command('certs')
    .description("write a service's leaf certificate, key and roots to a folder, and with --watch keep them fresh")
    .requiredOption('--service-id <id>', "the service's registered ID")
    .requiredOption('--dir <dir>', 'where to write cert.pem, key.pem and roots.pem')
    .option('--http-addr <host:port>', 'Switchboard HTTP API', '127.0.0.1:8500')
    .option('--token <token>', 'ACL token for the HTTP API')
    .option('--watch', 'keep running and rewrite the files when the leaf or the roots change', false)
    .action(async (o: { serviceId: string; dir: string; httpAddr: string; token?: string; watch: boolean }) => {
      const target = targetOf(o);
      const { svc } = await lookupService(target, o.serviceId);
      if (!o.watch) {
        await refreshCertFiles(target, svc.Service, o.dir);
        return;
      }
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      process.once('SIGTERM', () => ac.abort());
      await watchCertFiles(target, svc.Service, o.dir, ac.signal, () =>
        process.stderr.write(`switchboard certs: wrote certificates for ${svc.Service} to ${o.dir}\n`),
      );
    });
}
