/**
 * Response filters for list endpoints under ACLs: each drops what the token
 * may not read and says whether it dropped anything (the API then sets
 * `X-Consul-Results-Filtered-By-ACLs: true`, as Consul does).
 */
import type { Authorizer } from '../policy/acl/index.ts';

/** A filter over one route's response body. */
export type ResponseFilter = (body: unknown, authz: Authorizer) => { body: unknown; dropped: boolean };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function filterArray(keep: (item: Obj) => boolean): ResponseFilter {
  return (body) => {
    if (!Array.isArray(body)) return { body, dropped: false };
    const out = body.filter((item) => isObj(item) && keep(item));
    return { body: out, dropped: out.length !== body.length };
  };
}

function filterObjectValues(keep: (key: string, value: unknown) => boolean): ResponseFilter {
  return (body) => {
    if (!isObj(body)) return { body, dropped: false };
    const out: Obj = {};
    let dropped = false;
    for (const [k, v] of Object.entries(body)) {
      if (keep(k, v)) out[k] = v;
      else dropped = true;
    }
    return { body: out, dropped };
  };
}

/** Filters whose rule needs the token; built per request. */
export const filters = {
  /** `/v1/catalog/services`: `{name: tags}`. */
  serviceNames: (authz: Authorizer): ResponseFilter => filterObjectValues((name) => authz.allows('service', name, 'read')),
  /** Catalog service rows (ServiceName, Node). */
  catalogRows: (authz: Authorizer): ResponseFilter =>
    filterArray((r) => authz.allows('service', str(r['ServiceName']), 'read') && authz.allows('node', str(r['Node']), 'read')),
  /** Node rows (`/v1/catalog/nodes`) and members (`Name`). */
  nodes: (authz: Authorizer, field: 'Node' | 'Name'): ResponseFilter => filterArray((r) => authz.allows('node', str(r[field]), 'read')),
  /** `/v1/catalog/node/:node`: its Services map. */
  nodeServices: (authz: Authorizer): ResponseFilter => (body) => {
    if (!isObj(body) || !isObj(body['Services'])) return { body, dropped: false };
    const inner = filterObjectValues((_id, s) => isObj(s) && authz.allows('service', str(s['Service']), 'read'))(body['Services'], authz);
    return { body: { ...body, Services: inner.body }, dropped: inner.dropped };
  },
  /** Health entries `{Node: {Node}, Service: {Service}, Checks}`. */
  healthEntries: (authz: Authorizer): ResponseFilter =>
    filterArray((e) => {
      const node = isObj(e['Node']) ? str(e['Node']['Node']) : '';
      const svc = isObj(e['Service']) ? str(e['Service']['Service']) : '';
      return authz.allows('service', svc, 'read') && authz.allows('node', node, 'read');
    }),
  /** Check rows: node checks need node:read, service checks service:read too. */
  checks: (authz: Authorizer): ResponseFilter => filterArray((c) => checkVisible(authz, c)),
  /** `/v1/agent/checks`: `{id: check}`. */
  checkMap: (authz: Authorizer): ResponseFilter => filterObjectValues((_id, c) => isObj(c) && checkVisible(authz, c)),
  /** `/v1/agent/services`: `{id: service}`. */
  agentServices: (authz: Authorizer): ResponseFilter => filterObjectValues((_id, s) => isObj(s) && authz.allows('service', str(s['Service']), 'read')),
  /** Intention rows: intentions:read on the destination. */
  intentions: (authz: Authorizer): ResponseFilter => filterArray((i) => authz.allows('intentions', str(i['DestinationName']), 'read')),
  /** `/v1/connect/intentions/match`: `{name: intentions[]}`. */
  intentionMatches: (authz: Authorizer): ResponseFilter => (body) => {
    if (!isObj(body)) return { body, dropped: false };
    let dropped = false;
    const out: Obj = {};
    for (const [k, v] of Object.entries(body)) {
      const r = filters.intentions(authz)(v, authz);
      out[k] = r.body;
      dropped ||= r.dropped;
    }
    return { body: out, dropped };
  },
  /** Config entries of any kind: each by its own read rule. */
  configEntries: (authz: Authorizer, canRead: (authz: Authorizer, kind: string, name: string) => boolean): ResponseFilter =>
    filterArray((e) => canRead(authz, str(e['Kind']), str(e['Name']))),
};

function checkVisible(authz: Authorizer, c: Obj): boolean {
  const svc = str(c['ServiceName']);
  return authz.allows('node', str(c['Node']), 'read') && (svc === '' || authz.allows('service', svc, 'read'));
}
