/** service-resolver: subsets, default subset, redirect, failover, timeouts and load balancing. */
import { compileFilter } from '../../catalog/filter/index.ts';
import { isValidSubsetName } from './common-fields.ts';
import { child, compact, type EntryReader, type JsonObject } from './reader.ts';
import {
  LOAD_BALANCER_POLICIES,
  type FailoverTarget,
  type HashPolicy,
  type LoadBalancer,
  type ResolverFailover,
  type ResolverRedirect,
  type ResolverSubset,
  type ServiceResolverEntry,
} from './types.ts';

export const SERVICE_RESOLVER_FIELDS = ['DefaultSubset', 'Subsets', 'Redirect', 'Failover', 'ConnectTimeout', 'RequestTimeout', 'LoadBalancer'] as const;

function readSubset(r: EntryReader, value: unknown, p: string, name: string): ResolverSubset | undefined {
  if (!isValidSubsetName(name)) {
    r.error(p, 'is not a valid subset name; use lower-case letters, digits and dashes (it becomes part of the SNI)');
  }
  const s = r.struct(value, p, ['Filter', 'OnlyPassing']);
  if (!s) return undefined;
  const filter = r.string(s, 'Filter', p);
  if (filter !== undefined) {
    const compiled = compileFilter(filter);
    if (!compiled.ok) r.error(child(p, 'Filter'), `${JSON.stringify(filter)} is not a valid filter expression: ${compiled.errors.join('; ')}`);
  }
  return compact({ Filter: filter, OnlyPassing: r.boolean(s, 'OnlyPassing', p) });
}

function readRedirect(r: EntryReader, obj: JsonObject): ResolverRedirect | undefined {
  if (obj['Redirect'] === undefined) return undefined;
  const s = r.struct(obj['Redirect'], 'Redirect', ['Service', 'ServiceSubset', 'Namespace', 'Partition', 'Datacenter']);
  if (!s) return undefined;
  const out = compact({
    Service: r.string(s, 'Service', 'Redirect'),
    ServiceSubset: r.string(s, 'ServiceSubset', 'Redirect'),
    Namespace: r.string(s, 'Namespace', 'Redirect'),
    Partition: r.string(s, 'Partition', 'Redirect'),
    Datacenter: r.string(s, 'Datacenter', 'Redirect'),
  });
  if (!out.Service && !out.ServiceSubset && !out.Namespace && !out.Datacenter) {
    r.error('Redirect', 'must set at least one of Service, ServiceSubset, Namespace or Datacenter');
  }
  return out;
}

function readFailoverTarget(r: EntryReader, value: unknown, p: string): FailoverTarget | undefined {
  const s = r.struct(value, p, ['Service', 'ServiceSubset', 'Namespace', 'Partition', 'Datacenter']);
  if (!s) return undefined;
  const out = compact({
    Service: r.string(s, 'Service', p),
    ServiceSubset: r.string(s, 'ServiceSubset', p),
    Namespace: r.string(s, 'Namespace', p),
    Partition: r.string(s, 'Partition', p),
    Datacenter: r.string(s, 'Datacenter', p),
  });
  if (!out.Service && !out.ServiceSubset && !out.Namespace && !out.Datacenter) {
    r.error(p, 'must set at least one of Service, ServiceSubset, Namespace or Datacenter');
  }
  return out;
}

function readFailover(r: EntryReader, value: unknown, p: string, key: string, subsets: Record<string, ResolverSubset> | undefined): ResolverFailover | undefined {
  if (key !== '*' && !(subsets && key in subsets)) {
    r.error(p, `is not "*" or a subset defined in Subsets`);
  }
  const s = r.struct(value, p, ['Service', 'ServiceSubset', 'Namespace', 'Datacenters', 'Targets']);
  if (!s) return undefined;
  const out = compact({
    Service: r.string(s, 'Service', p),
    ServiceSubset: r.string(s, 'ServiceSubset', p),
    Namespace: r.string(s, 'Namespace', p),
    Datacenters: r.array(s, 'Datacenters', p, (item, ip) => {
      if (typeof item !== 'string' || item === '') {
        r.error(ip, `must be a datacenter name, got ${JSON.stringify(item)}`);
        return undefined;
      }
      return item;
    }),
    Targets: r.array(s, 'Targets', p, (item, ip) => readFailoverTarget(r, item, ip)),
  });
  const simple = ['Service', 'ServiceSubset', 'Namespace', 'Datacenters'].filter((k) => out[k as keyof ResolverFailover] !== undefined);
  if (out.Targets !== undefined && simple.length > 0) {
    r.error(p, `sets Targets together with ${simple.join(', ')}; use Targets alone`);
  } else if (out.Targets === undefined && simple.length === 0) {
    r.error(p, 'must set one of Service, ServiceSubset, Namespace, Datacenters or Targets');
  } else if (out.Targets?.length === 0) {
    r.error(child(p, 'Targets'), 'must list at least one target');
  }
  return out;
}

function readHashPolicy(r: EntryReader, value: unknown, p: string): HashPolicy | undefined {
  const s = r.struct(value, p, ['Field', 'FieldValue', 'CookieConfig', 'SourceIP', 'Terminal']);
  if (!s) return undefined;
  let cookie;
  if (s['CookieConfig'] !== undefined) {
    const cp = child(p, 'CookieConfig');
    const c = r.struct(s['CookieConfig'], cp, ['Session', 'TTL', 'Path']);
    if (c) {
      cookie = compact({ Session: r.boolean(c, 'Session', cp), TTL: r.duration(c, 'TTL', cp), Path: r.string(c, 'Path', cp) });
      if (cookie.Session && cookie.TTL !== undefined) r.error(cp, 'sets both Session and TTL; a session cookie has no TTL');
    }
  }
  const out = compact({
    Field: r.oneOf(s, 'Field', p, ['header', 'cookie', 'query_parameter'] as const, { lowerCase: true }),
    FieldValue: r.string(s, 'FieldValue', p),
    CookieConfig: cookie,
    SourceIP: r.boolean(s, 'SourceIP', p),
    Terminal: r.boolean(s, 'Terminal', p),
  });
  const hasField = s['Field'] !== undefined;
  if (hasField && out.SourceIP) r.error(p, 'sets both Field and SourceIP; use one');
  else if (!hasField && !out.SourceIP) r.error(p, 'must set Field (with FieldValue) or SourceIP');
  if (hasField && !out.FieldValue) r.error(child(p, 'FieldValue'), `is required when Field is set (the ${out.Field ?? 'field'} name to hash)`);
  if (!hasField && out.FieldValue !== undefined) r.error(child(p, 'FieldValue'), 'needs Field to be set');
  if (cookie && out.Field !== 'cookie') r.error(child(p, 'CookieConfig'), 'is only allowed when Field is "cookie"');
  return out;
}

function readLoadBalancer(r: EntryReader, obj: JsonObject): LoadBalancer | undefined {
  if (obj['LoadBalancer'] === undefined) return undefined;
  const p = 'LoadBalancer';
  const s = r.struct(obj['LoadBalancer'], p, ['Policy', 'RingHashConfig', 'LeastRequestConfig', 'HashPolicies']);
  if (!s) return undefined;
  const policy = r.oneOf(s, 'Policy', p, ['', ...LOAD_BALANCER_POLICIES], { lowerCase: true });
  let ring;
  if (s['RingHashConfig'] !== undefined) {
    const rp = child(p, 'RingHashConfig');
    const c = r.struct(s['RingHashConfig'], rp, ['MinimumRingSize', 'MaximumRingSize']);
    if (c) {
      ring = compact({
        MinimumRingSize: r.number(c, 'MinimumRingSize', rp, { integer: true, min: 0, max: 8_388_608 }),
        MaximumRingSize: r.number(c, 'MaximumRingSize', rp, { integer: true, min: 0, max: 8_388_608 }),
      });
      if (ring.MinimumRingSize && ring.MaximumRingSize && ring.MinimumRingSize > ring.MaximumRingSize) {
        r.error(rp, `MinimumRingSize ${ring.MinimumRingSize} is larger than MaximumRingSize ${ring.MaximumRingSize}`);
      }
    }
    if (policy !== 'ring_hash') r.error(rp, `is only allowed with Policy "ring_hash", not ${JSON.stringify(policy ?? '')}`);
  }
  let least;
  if (s['LeastRequestConfig'] !== undefined) {
    const lp = child(p, 'LeastRequestConfig');
    const c = r.struct(s['LeastRequestConfig'], lp, ['ChoiceCount']);
    if (c) least = compact({ ChoiceCount: r.number(c, 'ChoiceCount', lp, { integer: true, min: 2 }) });
    if (policy !== 'least_request') r.error(lp, `is only allowed with Policy "least_request", not ${JSON.stringify(policy ?? '')}`);
  }
  const hashPolicies = r.array(s, 'HashPolicies', p, (item, hp) => readHashPolicy(r, item, hp));
  if (hashPolicies !== undefined && policy !== 'ring_hash' && policy !== 'maglev') {
    r.error(child(p, 'HashPolicies'), `are only allowed with Policy "ring_hash" or "maglev", not ${JSON.stringify(policy ?? '')}`);
  }
  return compact({ Policy: policy, RingHashConfig: ring, LeastRequestConfig: least, HashPolicies: hashPolicies });
}

/** Reads the kind-specific fields of a service-resolver entry. */
export function readServiceResolver(r: EntryReader, obj: JsonObject, name: string): Omit<ServiceResolverEntry, 'Kind' | 'Name'> {
  const subsets = r.map(obj, 'Subsets', '', (value, p, subsetName) => readSubset(r, value, p, subsetName));
  const defaultSubset = r.string(obj, 'DefaultSubset', '');
  if (defaultSubset && !(subsets && defaultSubset in subsets)) {
    r.error('DefaultSubset', `${JSON.stringify(defaultSubset)} is not defined in Subsets${subsets ? ` (defined: ${Object.keys(subsets).join(', ') || 'none'})` : ''}`);
  }
  const redirect = readRedirect(r, obj);
  const failover = r.map(obj, 'Failover', '', (value, p, key) => readFailover(r, value, p, key, subsets));
  if (redirect && failover) r.error('', 'sets both Redirect and Failover; a redirected service is resolved (and fails over) by the resolver it redirects to, so remove one');
  if (redirect && redirect.Service === name && !redirect.ServiceSubset && !redirect.Namespace && !redirect.Datacenter) {
    r.error('Redirect', `points at service ${JSON.stringify(name)} itself without changing subset, namespace or datacenter`);
  }
  return compact({
    DefaultSubset: defaultSubset || undefined,
    Subsets: subsets,
    Redirect: redirect,
    Failover: failover,
    ConnectTimeout: r.duration(obj, 'ConnectTimeout', ''),
    RequestTimeout: r.duration(obj, 'RequestTimeout', ''),
    LoadBalancer: readLoadBalancer(r, obj),
  });
}
