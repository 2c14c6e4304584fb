/**
 * JSON schemas for the config-entry, intention and discovery-chain routes.
 * Bodies are checked loosely here (an object, the right scalar types) and in
 * full by policy/, whose messages name the entry and field at fault.
 * No `additionalProperties: false` here: fastify would silently drop unknown
 * fields, and a typo must be an error instead (see `unknownFieldsMessage`).
 */
import { blockingQueryProperties } from './blocking.ts';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const casParam = { type: 'string', pattern: '^[0-9]+$' } as const;
const anyObject = { type: 'object' } as const;

export const configEntryBodySchema = anyObject;

export const configWriteQuerySchema = {
  type: 'object',
  properties: { cas: casParam, dc: str, ns: str, partition: str },
} as const;

export const configKindParams = {
  type: 'object',
  required: ['kind'],
  properties: { kind: nonEmpty },
} as const;

export const configEntryParams = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { kind: nonEmpty, name: nonEmpty },
} as const;

export const blockingQuerySchema = {
  type: 'object',
  properties: { ...blockingQueryProperties, filter: str },
} as const;

export const intentionIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: nonEmpty },
} as const;

export const exactQuerySchema = {
  type: 'object',
  required: ['source', 'destination'],
  properties: { ...blockingQueryProperties, source: nonEmpty, destination: nonEmpty },
} as const;

export const matchQuerySchema = {
  type: 'object',
  required: ['by', 'name'],
  properties: {
    ...blockingQueryProperties,
    by: { type: 'string', enum: ['source', 'destination'] },
    name: { type: 'array', minItems: 1, items: nonEmpty },
    filter: str,
  },
} as const;

export const checkQuerySchema = {
  type: 'object',
  required: ['source', 'destination'],
  properties: { ...blockingQueryProperties, source: nonEmpty, destination: nonEmpty, 'source-type': { type: 'string', enum: ['consul'] } },
} as const;

/** The body of `PUT /v1/connect/intentions/exact`: what the intention does (source and destination come from the query). */
export const exactBodySchema = {
  type: 'object',
  properties: {
    Action: { type: 'string', enum: ['allow', 'deny', ''] },
    Permissions: { type: 'array', items: anyObject },
    Description: str,
    Meta: { type: 'object', additionalProperties: str },
  },
} as const;

/** A legacy intention body; policy/ checks it in full. */
export const legacyIntentionBodySchema = {
  type: 'object',
  properties: {
    ID: str,
    SourceName: str,
    SourceNS: str,
    DestinationName: str,
    DestinationNS: str,
    SourceType: str,
    Action: str,
    Permissions: { type: 'array', items: anyObject },
    Description: str,
    Meta: { type: 'object', additionalProperties: str },
  },
} as const;

export const authorizeBodySchema = {
  type: 'object',
  required: ['Target', 'ClientCertURI'],
  properties: { Target: nonEmpty, ClientCertURI: nonEmpty, ClientCertSerial: str },
} as const;

export const discoveryChainParams = {
  type: 'object',
  required: ['service'],
  properties: { service: nonEmpty },
} as const;

export const discoveryChainQuerySchema = {
  type: 'object',
  properties: { ...blockingQueryProperties, 'compile-dc': str },
} as const;

/** Overrides of `POST /v1/discovery-chain/:service`. */
export const discoveryChainBodySchema = {
  type: 'object',
  properties: {
    OverrideConnectTimeout: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    OverrideProtocol: str,
    OverrideMeshGateway: {
      type: 'object',
      properties: { Mode: { type: 'string', enum: ['', 'none', 'local', 'remote'] } },
    },
  },
} as const;

/** A 400-worthy message for fields a body should not have, or undefined. */
export function unknownFieldsMessage(body: object, allowed: readonly string[], what: string): string | undefined {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return undefined;
  return `${what}: unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${allowed.join(', ')}`;
}
