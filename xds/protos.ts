/**
 * Loads Envoy's v3 API protos (shipped by @grpc/grpc-js-xds under deps/) into one
 * protobufjs Root. Every other module that needs an Envoy message type asks here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Root folder of the proto tree inside @grpc/grpc-js-xds. */
export const PROTO_DEPS_DIR = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');

/** Include directories, in the order protoc would be given them. */
export const PROTO_INCLUDE_DIRS = [
  ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(PROTO_DEPS_DIR, d)),
  // google/protobuf/descriptor.proto comes with protobufjs itself.
  path.dirname(require.resolve('protobufjs/package.json')),
];

/** The proto files whose messages Switchboard sends, receives or validates. */
export const ENVOY_PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/clusters/aggregate/v3/cluster.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/config/rbac/v3/rbac.proto',
  'envoy/type/matcher/v3/string.proto',
  'validate/validate.proto',
  'google/protobuf/wrappers.proto',
  'google/protobuf/duration.proto',
  'google/protobuf/struct.proto',
  'google/protobuf/any.proto',
  'google/protobuf/empty.proto',
];

function resolveInclude(origin: string, target: string): string {
  if (path.isAbsolute(target)) return target;
  for (const dir of PROTO_INCLUDE_DIRS) {
    const candidate = path.join(dir, target);
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.resolve(path.dirname(origin), target);
}

let cachedRoot: protobuf.Root | undefined;

/** The loaded, resolved Root of Envoy's API (loaded once per process, synchronously). */
export function envoyRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = resolveInclude;
  root.loadSync(ENVOY_PROTO_FILES, { keepCase: true, alternateCommentMode: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** Looks up a message type by its full name (`envoy.config.cluster.v3.Cluster`). */
export function messageType(fullName: string): protobuf.Type {
  let type = typesByName.get(fullName);
  if (!type) typesByName.set(fullName, (type = envoyRoot().lookupType(fullName)));
  return type;
}

/** Looked up once: protobufjs walks its namespaces on every lookup, and encoding asks for the same few types all the time. */
const typesByName = new Map<string, protobuf.Type>();
