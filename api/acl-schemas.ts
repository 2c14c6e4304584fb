/** JSON schemas of the ACL routes' bodies and params. */

const link = {
  type: 'object',
  properties: { ID: { type: 'string' }, Name: { type: 'string' } },
} as const;

export const tokenBodySchema = {
  type: 'object',
  properties: {
    AccessorID: { type: 'string' },
    SecretID: { type: 'string' },
    Description: { type: 'string' },
    Policies: { type: 'array', items: link },
    Roles: { type: 'array' },
    NodeIdentities: { type: 'array' },
    ServiceIdentities: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ServiceName: { type: 'string' }, Datacenters: { type: 'array', items: { type: 'string' } } },
        required: ['ServiceName'],
      },
    },
    Local: { type: 'boolean' },
  },
} as const;

export const policyBodySchema = {
  type: 'object',
  properties: {
    ID: { type: 'string' },
    Name: { type: 'string' },
    Description: { type: 'string' },
    Rules: { type: 'string' },
    Datacenters: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** Params schema with one required string. */
export const oneParam = (name: string) =>
  ({ type: 'object', properties: { [name]: { type: 'string', minLength: 1 } }, required: [name] }) as const;
