/** Telling proxyless gRPC from Envoy by what the node says about itself. */
import type { Node__Output } from '../generated/envoy/config/core/v3/Node.ts';
import type { ProxyFlavour } from './proxy-status.ts';

/**
 * Proxyless gRPC announces itself by user agent (`gRPC Node Pure JS`, `gRPC Go`, `grpc-node-js`...)
 * or `metadata.proxyless`.
 * (protobufjs's built-in google.protobuf.Value keeps camelCase field names.)
 */
export function flavourOf(node: Node__Output | undefined): ProxyFlavour {
  if (/^grpc/i.test(node?.user_agent_name ?? '')) return 'grpc';
  const flag = node?.metadata?.fields?.['proxyless'];
  if (flag && (flag.boolValue === true || flag.stringValue === 'true')) return 'grpc';
  return 'envoy';
}
