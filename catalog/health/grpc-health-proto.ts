/** The grpc.health.v1 messages, defined inline so the checker needs no proto files on disk. */
import protobuf from 'protobufjs';

// The standard gRPC health checking protocol (grpc/grpc doc/health-checking.md), messages only.
const HEALTH_PROTO = `
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
`;

/** Full method path of the unary health check RPC. */
export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

/** ServingStatus names by wire value. */
export const SERVING_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'SERVING',
  2: 'NOT_SERVING',
  3: 'SERVICE_UNKNOWN',
};

const root = protobuf.parse(HEALTH_PROTO, { keepCase: true }).root;
const requestType = root.lookupType('grpc.health.v1.HealthCheckRequest');
const responseType = root.lookupType('grpc.health.v1.HealthCheckResponse');

/** Encodes a HealthCheckRequest for `service` ('' = the whole server). */
export function encodeHealthCheckRequest(req: { service: string }): Buffer {
  return Buffer.from(requestType.encode(requestType.create(req)).finish());
}

/** Decodes a HealthCheckResponse to its numeric ServingStatus. */
export function decodeHealthCheckResponse(buf: Buffer): { status: number } {
  const msg = responseType.toObject(responseType.decode(buf), { enums: Number, defaults: true }) as { status?: number };
  return { status: msg.status ?? 0 };
}

/** Encodes a HealthCheckResponse (for servers implementing the protocol, e.g. in tests). */
export function encodeHealthCheckResponse(res: { status: number }): Buffer {
  return Buffer.from(responseType.encode(responseType.create(res)).finish());
}

/** Decodes a HealthCheckRequest (for servers implementing the protocol). */
export function decodeHealthCheckRequest(buf: Buffer): { service: string } {
  const msg = requestType.toObject(requestType.decode(buf), { defaults: true }) as { service?: string };
  return { service: msg.service ?? '' };
}
