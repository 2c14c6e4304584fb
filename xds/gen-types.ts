/**
 * Regenerates the TypeScript types in `xds/generated/` from Envoy's protos
 * (`npm run gen:types`). The output is committed and never edited by hand.
 *
 * Only the files whose messages the ADS server sends or receives are given to
 * the generator (it follows their imports); the full tree would be thousands
 * of files nobody reads.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTO_DEPS_DIR, PROTO_INCLUDE_DIRS } from './protos.ts';

const require = createRequire(import.meta.url);

/** Entry files for the generator; a subset of ENVOY_PROTO_FILES. */
export const GENERATED_PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
];

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'generated');
const bin = path.join(path.dirname(require.resolve('@grpc/proto-loader/package.json')), 'build/bin/proto-loader-gen-types.js');

fs.rmSync(outDir, { recursive: true, force: true });
const args = [
  bin,
  // Files first: the generator's array options would swallow trailing positionals.
  ...GENERATED_PROTO_FILES,
  '--keepCase',
  '--longs=String',
  '--enums=String',
  '--grpcLib=@grpc/grpc-js',
  `--outDir=${outDir}`,
  ...PROTO_INCLUDE_DIRS.map((d) => `--includeDirs=${d}`),
];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (run.status !== 0) {
  process.exitCode = run.status ?? 1;
} else {
  // The generator writes extension-less relative imports, which only CommonJS
  // resolution accepts; marking the folder CommonJS keeps `tsc` (NodeNext) happy.
  // Only types are imported from here, so nothing of it runs.
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  stripAbsolutePaths(outDir);
}

/** Header comments name the proto file by absolute path; keep only the part under deps/ so output is the same on every machine. */
function stripAbsolutePaths(dir: string): void {
  const prefix = `${PROTO_DEPS_DIR}${path.sep}`;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes(prefix)) fs.writeFileSync(file, text.split(prefix).join('@grpc/grpc-js-xds/deps/'));
  }
}
