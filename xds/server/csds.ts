/**
 * Client Status Discovery Service (envoy.service.status.v3): what each
 * connected proxy holds, whether it ACKed or NACKed it. `grpcdebug` and
 * Envoy's tooling read this.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { messageType } from '../protos.ts';
import type { AdsStream } from './ads-stream.ts';
import type { ClientStatusRequest__Output } from '../generated/envoy/service/status/v3/ClientStatusRequest.ts';
import type { ClientStatusResponse } from '../generated/envoy/service/status/v3/ClientStatusResponse.ts';
import type { ClientConfig, _envoy_service_status_v3_ClientConfig_GenericXdsConfig as GenericXdsConfig } from '../generated/envoy/service/status/v3/ClientConfig.ts';
import type { StringMatcher__Output } from '../generated/envoy/type/matcher/v3/StringMatcher.ts';

const CSDS = '/envoy.service.status.v3.ClientStatusDiscoveryService';
const requestType = messageType('envoy.service.status.v3.ClientStatusRequest');
const responseType = messageType('envoy.service.status.v3.ClientStatusResponse');
const DECODE = { longs: String, enums: String, arrays: true };

const serializeResponse = (v: ClientStatusResponse): Buffer => responseType.encode(responseType.fromObject(v as Record<string, unknown>)).finish() as Buffer;
const deserializeResponse = (b: Buffer): ClientStatusResponse => responseType.toObject(responseType.decode(b), DECODE) as ClientStatusResponse;
const serializeRequest = (v: ClientStatusRequest__Output): Buffer => requestType.encode(requestType.fromObject(v as Record<string, unknown>)).finish() as Buffer;
const deserializeRequest = (b: Buffer): ClientStatusRequest__Output => requestType.toObject(requestType.decode(b), DECODE) as ClientStatusRequest__Output;

/** The CSDS service definition (FetchClientStatus and StreamClientStatus). */
export const csdsServiceDefinition: ServiceDefinition & {
  FetchClientStatus: MethodDefinition<ClientStatusRequest__Output, ClientStatusResponse>;
  StreamClientStatus: MethodDefinition<ClientStatusRequest__Output, ClientStatusResponse>;
} = {
  FetchClientStatus: {
    path: `${CSDS}/FetchClientStatus`,
    requestStream: false,
    responseStream: false,
    requestSerialize: serializeRequest,
    requestDeserialize: deserializeRequest,
    responseSerialize: serializeResponse,
    responseDeserialize: deserializeResponse,
  },
  StreamClientStatus: {
    path: `${CSDS}/StreamClientStatus`,
    requestStream: true,
    responseStream: true,
    requestSerialize: serializeRequest,
    requestDeserialize: deserializeRequest,
    responseSerialize: serializeResponse,
    responseDeserialize: deserializeResponse,
  },
};

function matches(m: StringMatcher__Output | undefined, value: string): boolean {
  if (!m) return true;
  if (m.exact !== undefined && m.exact !== '') return value === m.exact;
  if (m.prefix) return value.startsWith(m.prefix);
  if (m.suffix) return value.endsWith(m.suffix);
  if (m.contains) return value.includes(m.contains);
  return true;
}

function timestamp(iso: string): { seconds: number; nanos: number } {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Builds the CSDS answer from the open streams; node matchers on node id (exact/prefix/suffix/contains) filter it. */
export function clientStatus(streams: Iterable<AdsStream>, req: ClientStatusRequest__Output): ClientStatusResponse {
  const matchers = req.node_matchers ?? [];
  const config: ClientConfig[] = [];
  for (const stream of streams) {
    const node = stream.nodeInfo();
    if (!node?.id) continue;
    if (matchers.length > 0 && !matchers.some((m) => matches(m.node_id, node.id ?? ''))) continue;
    const generic: GenericXdsConfig[] = [];
    for (const held of stream.held()) {
      const { status } = held;
      const latest = status.lastSent?.nonce;
      const nacked = status.lastNack !== undefined && status.lastNack.nonce === latest;
      const acked = !nacked && status.lastAcked !== undefined && status.lastAcked.nonce === latest;
      for (const r of held.resources) {
        generic.push({
          type_url: held.typeUrl,
          name: r.name,
          version_info: r.version,
          ...(req.exclude_resource_contents ? {} : { xds_config: r.any }),
          ...(status.lastSent ? { last_updated: timestamp(status.lastSent.at) } : {}),
          config_status: nacked ? 'ERROR' : acked ? 'SYNCED' : 'STALE',
          client_status: nacked ? 'NACKED' : acked ? 'ACKED' : 'REQUESTED',
          ...(nacked && status.lastNack
            ? { error_state: { details: status.lastNack.message, version_info: status.lastNack.version, last_update_attempt: timestamp(status.lastNack.at) } }
            : {}),
        });
      }
      for (const name of held.missing) {
        generic.push({ type_url: held.typeUrl, name, config_status: 'NOT_SENT', client_status: 'DOES_NOT_EXIST' });
      }
    }
    config.push({ node: node as ClientConfig['node'], generic_xds_configs: generic });
  }
  return { config };
}
