/** Every write endpoint refuses bad input with a 4xx naming the field, and writes nothing. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { openSqliteStore, registerAgentNode, type SqliteCatalogStore } from '../../catalog/index.ts';
import { silentLogger } from '../../cli/logger.ts';

interface Case {
  name: string;
  method: 'PUT' | 'GET';
  url: string;
  body?: unknown;
  status: number;
  /** Text the plain-text error must contain (the field or value at fault). */
  mentions: string;
}

const svc = (over: Record<string, unknown>): Record<string, unknown> => ({ Name: 'web', Port: 80, ...over });

const cases: Case[] = [
  { name: 'bad JSON', method: 'PUT', url: '/v1/agent/service/register', body: '{"Name": "web",', status: 400, mentions: 'Request decode failed' },
  { name: 'JSON that is not an object', method: 'PUT', url: '/v1/agent/service/register', body: '[1,2]', status: 400, mentions: 'body must be object' },
  { name: 'missing Name', method: 'PUT', url: '/v1/agent/service/register', body: { Port: 80 }, status: 400, mentions: 'Name' },
  { name: 'empty Name', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Name: '' }), status: 400, mentions: 'Name' },
  { name: 'port out of range', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Port: 70000 }), status: 400, mentions: 'Port' },
  { name: 'port of the wrong type', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Port: 'eighty' }), status: 400, mentions: 'Port' },
  { name: 'Tags not a list', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Tags: { a: 1 } }), status: 400, mentions: 'Tags' },
  { name: 'Meta value not a string', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Meta: { v: { x: 1 } } }), status: 400, mentions: 'Meta' },
  { name: 'unknown Kind', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Kind: 'teleporter' }), status: 400, mentions: 'Kind' },
  { name: 'check of unknown type', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Check: { Notes: 'x' } }), status: 400, mentions: 'Check' },
  { name: 'HTTP check without Interval', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Check: { HTTP: 'http://127.0.0.1/' } }), status: 400, mentions: 'Interval' },
  { name: 'bad duration', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Check: { TCP: '127.0.0.1:80', Interval: 'soon' } }), status: 400, mentions: 'Interval' },
  { name: 'bad check Status', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Check: { TTL: '5s', Status: 'fine' } }), status: 400, mentions: 'Status' },
  { name: 'second of two checks bad', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Checks: [{ TTL: '5s' }, { TTL: 'x' }] }), status: 400, mentions: 'Checks[1].TTL' },
  { name: 'connect-proxy without destination', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Kind: 'connect-proxy' }), status: 400, mentions: 'DestinationServiceName' },
  {
    name: 'sidecar upstream without DestinationName',
    method: 'PUT',
    url: '/v1/agent/service/register',
    body: svc({ Connect: { SidecarService: { Proxy: { Upstreams: [{ LocalBindPort: 9000 }] } } } }),
    status: 400,
    mentions: 'DestinationName',
  },
  {
    name: 'sidecar upstream port out of range',
    method: 'PUT',
    url: '/v1/agent/service/register',
    body: svc({ Connect: { SidecarService: { Proxy: { Upstreams: [{ DestinationName: 'db', LocalBindPort: 99999 }] } } } }),
    status: 400,
    mentions: 'LocalBindPort',
  },
  { name: 'service body over the size limit', method: 'PUT', url: '/v1/agent/service/register', body: svc({ Meta: { big: 'x'.repeat(8192) } }), status: 413, mentions: 'too large' },

  { name: 'deregister unknown service', method: 'PUT', url: '/v1/agent/service/deregister/nope', status: 404, mentions: 'nope' },
  { name: 'maintenance without enable', method: 'PUT', url: '/v1/agent/service/maintenance/base', status: 400, mentions: 'enable' },
  { name: 'maintenance with a bad enable', method: 'PUT', url: '/v1/agent/service/maintenance/base?enable=maybe', status: 400, mentions: 'enable' },
  { name: 'maintenance of unknown service', method: 'PUT', url: '/v1/agent/service/maintenance/nope?enable=true', status: 404, mentions: 'nope' },

  { name: 'check without Name', method: 'PUT', url: '/v1/agent/check/register', body: { TTL: '5s' }, status: 400, mentions: 'Name' },
  { name: 'check for an unknown service', method: 'PUT', url: '/v1/agent/check/register', body: { Name: 'c', TTL: '5s', ServiceID: 'ghost' }, status: 400, mentions: 'ServiceID' },
  { name: 'check of no type', method: 'PUT', url: '/v1/agent/check/register', body: { Name: 'c' }, status: 400, mentions: 'TTL' },
  { name: 'check TCP not host:port', method: 'PUT', url: '/v1/agent/check/register', body: { Name: 'c', TCP: 'nohost', Interval: '5s' }, status: 400, mentions: 'TCP' },
  { name: 'deregister unknown check', method: 'PUT', url: '/v1/agent/check/deregister/ghost', status: 404, mentions: 'ghost' },
  { name: 'pass an unknown check', method: 'PUT', url: '/v1/agent/check/pass/ghost', status: 404, mentions: 'ghost' },
  { name: 'pass a check that is not TTL', method: 'PUT', url: '/v1/agent/check/pass/serfHealth', status: 400, mentions: 'TTL' },
  { name: 'update with a bad Status', method: 'PUT', url: '/v1/agent/check/update/base-ttl', body: { Status: 'meh' }, status: 400, mentions: 'Status' },
  { name: 'update without Status', method: 'PUT', url: '/v1/agent/check/update/base-ttl', body: { Output: 'x' }, status: 400, mentions: 'Status' },

  { name: 'catalog register without Node', method: 'PUT', url: '/v1/catalog/register', body: { Address: '10.0.0.1' }, status: 400, mentions: 'Node' },
  { name: 'catalog register without Address', method: 'PUT', url: '/v1/catalog/register', body: { Node: 'n1' }, status: 400, mentions: 'Address' },
  { name: 'catalog service without name', method: 'PUT', url: '/v1/catalog/register', body: { Node: 'n1', Address: '10.0.0.1', Service: { Port: 1 } }, status: 400, mentions: 'Service' },
  { name: 'catalog service port out of range', method: 'PUT', url: '/v1/catalog/register', body: { Node: 'n1', Address: '10.0.0.1', Service: { Service: 's', Port: 1e6 } }, status: 400, mentions: 'Port' },
  {
    name: 'catalog check for an unknown service (node not half-written)',
    method: 'PUT',
    url: '/v1/catalog/register',
    body: { Node: 'n1', Address: '10.0.0.1', Check: { CheckID: 'c', ServiceID: 'ghost' } },
    status: 400,
    mentions: 'ServiceID',
  },
  {
    name: 'catalog check with an HTTP definition and no interval',
    method: 'PUT',
    url: '/v1/catalog/register',
    body: { Node: 'n1', Address: '10.0.0.1', Check: { CheckID: 'c', Definition: { HTTP: 'http://x/' } } },
    status: 400,
    mentions: 'Interval',
  },
  { name: 'catalog register in another datacenter', method: 'PUT', url: '/v1/catalog/register', body: { Node: 'n1', Address: '10.0.0.1', Datacenter: 'dc9' }, status: 400, mentions: 'Datacenter' },
  { name: 'catalog deregister without Node', method: 'PUT', url: '/v1/catalog/deregister', body: { ServiceID: 'x' }, status: 400, mentions: 'Node' },

  { name: 'blocking index not a number', method: 'GET', url: '/v1/health/service/base?index=abc', status: 400, mentions: 'index' },
  { name: 'blocking wait not a duration', method: 'GET', url: '/v1/catalog/services?index=1&wait=forever', status: 400, mentions: 'wait' },
  { name: 'bad filter', method: 'GET', url: '/v1/health/service/base?filter=Service.Port%20%3D%3D', status: 400, mentions: 'filter' },
  { name: 'unknown check state', method: 'GET', url: '/v1/health/state/sleepy', status: 400, mentions: 'sleepy' },
];

let app: FastifyInstance;
let store: SqliteCatalogStore;
beforeAll(async () => {
  store = openSqliteStore({ path: ':memory:' });
  const agent = { node: 'agent-1', address: '127.0.0.1', datacenter: 'dc1' };
  await registerAgentNode(store, agent);
  app = await buildApi({ logger: silentLogger(), datacenter: 'dc1', store, agent, bodyLimit: 4096 });
  const base = await app.inject({ method: 'PUT', url: '/v1/agent/service/register', payload: { Name: 'base', Port: 1, Check: { CheckID: 'base-ttl', TTL: '1m' } } });
  expect(base.statusCode).toBe(200);
});
afterAll(async () => {
  await app?.close();
  store?.close();
});

describe('bad input', () => {
  it.each(cases)('$name → $status', async (c) => {
    const before = store.currentIndex();
    const res = await app.inject({
      method: c.method,
      url: c.url,
      ...(c.body === undefined ? {} : { payload: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
    });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain(c.mentions);
    expect(store.currentIndex()).toBe(before);
  });

  it('leaves the catalog as it was', () => {
    expect(store.getNode('n1')).toBeUndefined();
    expect(store.listServicesOnNode('agent-1').map((s) => s.ID)).toEqual(['base']);
  });
});
