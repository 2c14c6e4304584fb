/**
 * JSON schemas for catalog, agent and health request bodies and query
 * strings. Validation runs before a handler, so a handler sees only
 * well-typed input; messages name the offending field (`body/Port must be <= 65535`).
 */
import { blockingQueryProperties } from './blocking.ts';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const looseObject = { type: 'object' } as const;
const status = { type: 'string', enum: ['passing', 'warning', 'critical'] } as const;

const checkDefinitionProps = {
  Interval: str,
  Timeout: str,
  TTL: str,
  HTTP: str,
  Method: str,
  Header: { type: 'object', additionalProperties: { type: 'array', items: str } },
  Body: str,
  TLSSkipVerify: bool,
  TCP: str,
  GRPC: str,
  GRPCUseTLS: bool,
  AliasService: str,
  AliasNode: str,
  DeregisterCriticalServiceAfter: str,
  TLSServerName: str,
  SuccessBeforePassing: { type: 'integer', minimum: 0 },
  FailuresBeforeWarning: { type: 'integer', minimum: 0 },
  FailuresBeforeCritical: { type: 'integer', minimum: 0 },
} as const;

/** A check as the agent API takes it. */
export const agentCheckSchema = {
  type: 'object',
  properties: { CheckID: str, ID: str, Name: str, Notes: str, Status: status, ServiceID: str, ...checkDefinitionProps },
} as const;

const upstreamSchema = {
  type: 'object',
  required: ['DestinationName'],
  properties: {
    DestinationType: { type: 'string', enum: ['service', 'prepared_query'] },
    DestinationName: { type: 'string', minLength: 1 },
    DestinationNamespace: str,
    DestinationPartition: str,
    Datacenter: str,
    LocalBindAddress: str,
    LocalBindPort: port,
    Config: looseObject,
  },
} as const;

const proxySchema = {
  type: 'object',
  properties: {
    DestinationServiceName: str,
    DestinationServiceID: str,
    LocalServiceAddress: str,
    LocalServicePort: port,
    Config: looseObject,
    Upstreams: { type: 'array', items: upstreamSchema },
    Mode: str,
  },
} as const;

const serviceKind = { type: 'string', enum: ['', 'connect-proxy', 'mesh-gateway', 'ingress-gateway', 'terminating-gateway'] } as const;
const weights = {
  type: 'object',
  properties: { Passing: { type: 'integer', minimum: 1 }, Warning: { type: 'integer', minimum: 0 } },
} as const;
const taggedAddresses = {
  type: 'object',
  additionalProperties: { type: 'object', required: ['Address', 'Port'], properties: { Address: str, Port: port } },
} as const;

const serviceProps = {
  ID: str,
  Name: str,
  Kind: serviceKind,
  Tags: { type: 'array', items: str },
  Address: str,
  Port: port,
  Meta: stringMap,
  Weights: weights,
  EnableTagOverride: bool,
  TaggedAddresses: taggedAddresses,
  Proxy: proxySchema,
  Check: agentCheckSchema,
  Checks: { type: 'array', items: agentCheckSchema },
} as const;

/** `PUT /v1/agent/service/register`. */
export const agentServiceSchema = {
  type: 'object',
  required: ['Name'],
  properties: {
    ...serviceProps,
    Name: { type: 'string', minLength: 1 },
    Connect: {
      type: 'object',
      properties: { Native: bool, SidecarService: { type: 'object', properties: serviceProps } },
    },
  },
} as const;

/** `PUT /v1/agent/check/register`. */
export const agentCheckRegisterSchema = {
  ...agentCheckSchema,
  required: ['Name'],
  properties: { ...agentCheckSchema.properties, Name: { type: 'string', minLength: 1 } },
} as const;

/** `PUT /v1/agent/check/update/:id`. */
export const checkUpdateSchema = {
  type: 'object',
  required: ['Status'],
  properties: { Status: status, Output: str },
} as const;

const catalogCheckSchema = {
  type: 'object',
  properties: {
    Node: str,
    CheckID: str,
    Name: str,
    Notes: str,
    Status: status,
    Output: str,
    ServiceID: str,
    Type: str,
    Definition: { type: 'object', properties: checkDefinitionProps },
  },
} as const;

/** `PUT /v1/catalog/register`. */
export const catalogRegisterSchema = {
  type: 'object',
  required: ['Node', 'Address'],
  properties: {
    ID: str,
    Node: { type: 'string', minLength: 1 },
    Address: { type: 'string', minLength: 1 },
    Datacenter: str,
    TaggedAddresses: stringMap,
    NodeMeta: stringMap,
    SkipNodeUpdate: bool,
    Service: {
      type: 'object',
      required: ['Service'],
      properties: {
        ...serviceProps,
        Service: { type: 'string', minLength: 1 },
        Connect: { type: 'object', properties: { Native: bool } },
      },
    },
    Check: catalogCheckSchema,
    Checks: { type: 'array', items: catalogCheckSchema },
  },
} as const;

/** `PUT /v1/catalog/deregister`. */
export const catalogDeregisterSchema = {
  type: 'object',
  required: ['Node'],
  properties: { Node: { type: 'string', minLength: 1 }, Datacenter: str, ServiceID: str, CheckID: str },
} as const;

/** Query string of list endpoints: blocking, filter, tags, node metadata. */
export const listQuerySchema = {
  type: 'object',
  properties: {
    ...blockingQueryProperties,
    filter: str,
    tag: { type: 'array', items: str },
    'node-meta': { type: 'array', items: str },
    passing: str,
    near: str,
  },
} as const;

export const nameParams = (key: string) =>
  ({ type: 'object', required: [key], properties: { [key]: { type: 'string', minLength: 1 } } }) as const;
