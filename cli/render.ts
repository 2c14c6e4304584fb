/**
 * `switchboard render`: prints the Envoy resources one proxy gets, either
 * fetched live from a server's xDS port (as that proxy, over delta ADS) or
 * built offline from config files exactly as `switchboard validate` builds them.
 */
import { Command, Option } from 'commander';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../xds/index.ts';
import { fetchProxyResources } from './ads-fetch.ts';
import { apiGet, httpBaseUrl } from './api-client.ts';
import { formatProblem } from './config-files.ts';
import { checkConfigPaths } from './offline-check.ts';
import { canonicalResource, redactSecrets, sortResources, type RenderedResources } from './resource-json.ts';

interface RenderFlags {
  proxyId: string;
  server: string;
  grpcAddr: string;
  dir?: string[];
  proxyless: boolean;
  listener: string[];
  showSecrets: boolean;
  token?: string;
  timeout: string;
  datacenter: string;
  defaultIntentionPolicy: 'allow' | 'deny';
}

/** Renders a proxy from config files; the problems found in them are returned alongside. */
export async function renderOffline(
  paths: readonly string[],
  proxyId: string,
  opts: { datacenter: string; defaultAllow: boolean },
): Promise<{ resources?: RenderedResources; problems: string[] }> {
  const report = await checkConfigPaths(paths, { ...opts, onlyProxyId: proxyId });
  const problems = report.problems.map(formatProblem);
  const rendered = report.rendered[0]?.resources;
  if (!rendered) {
    if (report.rendered.length === 0) problems.push(`no sidecar or Connect-native service with ID ${JSON.stringify(proxyId)} in ${paths.join(' ')}`);
    return { problems };
  }
  const conv = (typeUrl: string, list: readonly { resource: object }[]) => list.map((r) => canonicalResource(typeUrl, r.resource));
  return {
    problems,
    resources: {
      listeners: conv(LISTENER_TYPE, rendered.listeners),
      clusters: conv(CLUSTER_TYPE, rendered.clusters),
      routes: conv(ROUTE_TYPE, rendered.routes),
      endpoints: conv(ENDPOINT_TYPE, rendered.endpoints),
      secrets: conv(SECRET_TYPE, rendered.secrets),
    },
  };
}

interface ProxyStatusJson {
  Problem?: { Message?: string } | null;
}

/** Adds `render` to the program. */
export function addRenderCommand(program: Command): void {
  program
    .command('render')
    .description("print the Envoy resources a proxy gets: live from a server's xDS port, or offline from config files (--dir)")
    .requiredOption('--proxy-id <id>', "the proxy's node.id: a sidecar's service ID (<id>-sidecar-proxy) or a Connect-native service's ID")
    .option('--server <url>', 'HTTP API of the live server (used to explain a proxy the server cannot configure)', 'http://127.0.0.1:8500')
    .option('--grpc-addr <host:port>', 'xDS gRPC address of the live server', '127.0.0.1:8502')
    .option('--dir <paths...>', 'render offline from these config files or directories instead of a live server')
    .option('--proxyless', 'connect as a proxyless gRPC client instead of an Envoy sidecar (live only; give --listener)', false)
    .option('--listener <name>', 'a listener a proxyless client subscribes to (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--token <token>', 'ACL token (sent as x-consul-token on the xDS stream and to the HTTP API)')
    .option('--show-secrets', 'print private keys instead of redacting them', false)
    .option('--timeout <ms>', 'how long to wait for the live server to send everything referenced', '5000')
    .option('--datacenter <name>', 'datacenter, for --dir', 'dc1')
    .addOption(new Option('--default-intention-policy <policy>', 'default intention policy, for --dir').choices(['allow', 'deny']).default('deny'))
    .action(async (o: RenderFlags) => {
      let resources: RenderedResources | undefined;
      if (o.dir) {
        const r = await renderOffline(o.dir, o.proxyId, { datacenter: o.datacenter, defaultAllow: o.defaultIntentionPolicy === 'allow' });
        for (const p of r.problems) process.stderr.write(`${p}\n`);
        if (r.problems.length > 0) process.exitCode = 1;
        resources = r.resources;
      } else {
        const timeoutMs = Number(o.timeout);
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout: ${JSON.stringify(o.timeout)} is not a positive number of milliseconds`);
        const fetched = await fetchProxyResources({
          grpcAddr: o.grpcAddr,
          nodeId: o.proxyId,
          flavour: o.proxyless ? 'grpc' : 'envoy',
          listeners: o.listener,
          timeoutMs,
          ...(o.token ? { token: o.token } : {}),
          explainMissing: () => serverProblem(o.server, o.proxyId, o.token),
        });
        if (fetched.missing.length > 0) {
          process.exitCode = 1;
          process.stderr.write(`not received within ${timeoutMs} ms: ${fetched.missing.join(', ')}\n`);
          if (fetched.explanation) process.stderr.write(`the server says about ${o.proxyId}: ${fetched.explanation}\n`);
        }
        resources = fetched.resources;
      }
      if (!resources) return;
      const sorted = sortResources(resources);
      process.stdout.write(`${JSON.stringify(o.showSecrets ? sorted : redactSecrets(sorted), null, 2)}\n`);
    });
}

/** The server's recorded problem for a proxy (why it has no config), if the HTTP API can tell. */
async function serverProblem(server: string, proxyId: string, token: string | undefined): Promise<string | undefined> {
  try {
    const { body } = await apiGet<ProxyStatusJson[]>({ baseUrl: httpBaseUrl(server), ...(token ? { token } : {}) }, `/v1/xds/proxies?node=${encodeURIComponent(proxyId)}`);
    return body.find((p) => p.Problem?.Message)?.Problem?.Message;
  } catch {
    return undefined;
  }
}
