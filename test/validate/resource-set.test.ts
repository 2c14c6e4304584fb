/** A realistic sidecar set passes; every kind of broken reference is caught, and checks follow what the set holds. */
import { describe, expect, it } from 'vitest';
import { formatViolation, validateResourceSet, type ResourceSet } from '../../xds/validate/index.ts';
import {
  makeCla, makeEdsCluster, makeLeafSecret, makeRouteConfig, makeSidecarSet, makeTcpListener, makeUpstreamListener, upstreamClusterName,
} from './fixtures.ts';

const lines = (set: ResourceSet): string[] => {
  const r = validateResourceSet(set);
  return r.ok ? [] : r.violations.map((v) => formatViolation(v));
};

describe('validateResourceSet', () => {
  it('a realistic sidecar set (HCM+RBAC+router, SDS TLS both ways, EDS, CLA, RDS, secrets) passes', () => {
    const set = makeSidecarSet(3);
    set.listeners.push(makeTcpListener('svc0', 9300));
    expect(lines(set)).toEqual([]);
  });

  it('a route to a missing cluster is caught (single and weighted)', () => {
    const set = makeSidecarSet(1);
    set.routes.push(makeRouteConfig('extra', [{ weighted: [[upstreamClusterName('svc0'), 50], ['ghost', 50]] }, { cluster: 'nowhere' }]));
    expect(lines(set)).toEqual([
      'routes[extra].virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name: ref.cluster',
      'routes[extra].virtual_hosts[0].routes[1].route.cluster: ref.cluster',
    ]);
  });

  it('an inline route config in a listener and a TCP proxy are checked against clusters', () => {
    const set = makeSidecarSet(1);
    set.clusters = set.clusters.filter((c) => c.name !== 'local_app');
    set.listeners.push(makeTcpListener('gone', 9400));
    expect(lines(set)).toEqual([
      'listeners[public_listener:10.0.0.1:21000].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster: ref.cluster',
      'listeners[gone:127.0.0.1:9400].filter_chains[0].filters[0].typed_config.cluster: ref.cluster',
    ]);
  });

  it('a missing RDS route config, CLA and SDS secret are caught', () => {
    const set = makeSidecarSet(1);
    set.routes = [];
    set.endpoints = [];
    set.secrets = [makeLeafSecret()];
    const got = lines(set);
    expect(got).toContain('listeners[svc0:127.0.0.1:9191].filter_chains[0].filters[0].typed_config.rds.route_config_name: ref.route_config');
    expect(got).toContain(`clusters[${upstreamClusterName('svc0')}].name: ref.endpoints`);
    expect(got).toContain('listeners[public_listener:10.0.0.1:21000].filter_chains[0].transport_socket.typed_config.common_tls_context.validation_context_sds_secret_config.name: ref.secret');
    expect(got).toContain(`clusters[${upstreamClusterName('svc0')}].transport_socket.typed_config.common_tls_context.validation_context_sds_secret_config.name: ref.secret`);
    expect(got).toHaveLength(4);
  });

  it('an EDS service_name is what the CLA must be named after', () => {
    const c = { ...makeEdsCluster('db'), eds_cluster_config: { eds_config: { ads: {} }, service_name: 'db-svc' } };
    expect(lines({ clusters: [c], endpoints: [makeCla(upstreamClusterName('db'))] })).toEqual([`clusters[${upstreamClusterName('db')}].eds_cluster_config.service_name: ref.endpoints`]);
    expect(lines({ clusters: [c], endpoints: [makeCla('db-svc')] })).toEqual([]);
  });

  it('reference checks apply only to types present in the set', () => {
    const set = makeSidecarSet(1);
    expect(lines({ listeners: set.listeners })).toEqual([]);
    expect(lines({ clusters: set.clusters })).toEqual([]);
    expect(lines({ routes: [makeRouteConfig('r', [{ cluster: 'x' }])] })).toEqual([]);
    expect(lines({ routes: [makeRouteConfig('r', [{ cluster: 'x' }])], clusters: [] })).toEqual(['routes[r].virtual_hosts[0].routes[0].route.cluster: ref.cluster']);
  });

  it('duplicate names within a type and two listeners on one address and port are caught', () => {
    const set = makeSidecarSet(1);
    set.clusters.push(makeEdsCluster('svc0'));
    set.endpoints.push(makeCla(upstreamClusterName('svc0')));
    const clash = { ...makeUpstreamListener('svc0', 9191), name: 'other:127.0.0.1:9191' };
    set.listeners.push(clash);
    expect(lines(set)).toEqual([
      `clusters[${upstreamClusterName('svc0')}].name: unique.name`,
      `endpoints[${upstreamClusterName('svc0')}].cluster_name: unique.name`,
      'listeners[other:127.0.0.1:9191].address.socket_address: unique.address',
    ]);
  });

  it('schema and rule violations of each resource are reported with the set', () => {
    const set = makeSidecarSet(1);
    set.endpoints[0]!.cluster_name = '';
    expect(lines(set)).toEqual(expect.arrayContaining(['endpoints[].cluster_name: string.min_len 1']));
  });
});
