import { describe, expect, it } from 'vitest';
import { buildEnvoyBootstrap, XDS_CLUSTER_NAME } from '../../xds/bootstrap/envoy.ts';
import { buildGrpcBootstrap } from '../../xds/bootstrap/grpc.ts';
import { validateResource, formatViolation } from '../../xds/validate/index.ts';

function makeEnvoyInput(over: Partial<Parameters<typeof buildEnvoyBootstrap>[0]> = {}): Parameters<typeof buildEnvoyBootstrap>[0] {
  return {
    proxyId: 'web-1-sidecar-proxy',
    serviceName: 'web',
    namespace: 'default',
    datacenter: 'dc1',
    xdsHost: '127.0.0.1',
    xdsPort: 8502,
    adminHost: '127.0.0.1',
    adminPort: 19000,
    ...over,
  };
}

/** proto3 JSON writes a Struct as a plain object; protobufjs's object form spells out its Values. */
function structObject(json: Record<string, unknown>): Record<string, unknown> {
  const value = (v: unknown): Record<string, unknown> =>
    typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : typeof v === 'boolean' ? { boolValue: v } : { nullValue: 'NULL_VALUE' };
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, value(v)])) };
}

function violations(obj: Record<string, unknown>): string[] {
  const node = obj['node'] as Record<string, unknown>;
  const asObjectForm = { ...obj, node: { ...node, metadata: structObject(node['metadata'] as Record<string, unknown>) } };
  const r = validateResource('envoy.config.bootstrap.v3.Bootstrap', asObjectForm, 'bootstrap');
  return r.ok ? [] : r.violations.map((v) => formatViolation(v, true));
}

describe('Envoy bootstrap', () => {
  it('is a valid envoy.config.bootstrap.v3.Bootstrap with delta ADS to the xDS cluster', () => {
    const b = buildEnvoyBootstrap(makeEnvoyInput());
    expect(violations(b)).toEqual([]);
    expect(b['node']).toEqual({ id: 'web-1-sidecar-proxy', cluster: 'web', metadata: { namespace: 'default', datacenter: 'dc1' } });
    const ads = (b['dynamic_resources'] as { ads_config: { api_type: string; grpc_services: { envoy_grpc: { cluster_name: string } }[] } }).ads_config;
    expect(ads.api_type).toBe('DELTA_GRPC');
    expect(ads.grpc_services[0]?.envoy_grpc.cluster_name).toBe(XDS_CLUSTER_NAME);
  });

  it('carries the token as x-consul-token initial metadata and a Prometheus listener when asked', () => {
    const b = buildEnvoyBootstrap(makeEnvoyInput({ token: 's3cret', prometheusBind: { host: '0.0.0.0', port: 20200 } }));
    expect(violations(b)).toEqual([]);
    const json = JSON.stringify(b);
    expect(json).toContain('"initial_metadata":[{"key":"x-consul-token","value":"s3cret"}]');
    expect(json).toContain('envoy_prometheus_metrics_listener');
    expect(json).toContain('/stats/prometheus');
  });

  it('uses DNS resolution for a hostname xDS address and TLS when a CA is given', () => {
    const b = buildEnvoyBootstrap(makeEnvoyInput({ xdsHost: 'switchboard.internal', xdsCaPEM: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----' }));
    expect(violations(b)).toEqual([]);
    expect(JSON.stringify(b)).toContain('"type":"LOGICAL_DNS"');
    expect(JSON.stringify(b)).toContain('UpstreamTlsContext');
  });

  it('is caught by the validator when broken', () => {
    const b = buildEnvoyBootstrap(makeEnvoyInput({ adminPort: 70000 }));
    expect(violations(b).join('\n')).toContain('port_value');
  });
});

describe('gRPC bootstrap', () => {
  it('has what gRPC requires: locality, server template, file_watcher provider', () => {
    const b = buildGrpcBootstrap({
      serviceId: 'api-1',
      serviceName: 'api',
      namespace: 'default',
      datacenter: 'dc1',
      xdsServerUri: '127.0.0.1:8502',
      certDir: '/tmp/certs/',
      certificateProviderInstance: 'switchboard',
    });
    expect(b['node']).toMatchObject({ id: 'api-1', cluster: 'api', locality: {} });
    expect(b['server_listener_resource_name_template']).toBe('grpc/server?xds.resource.listening_address=%s');
    expect(b['certificate_providers']).toEqual({
      switchboard: {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: '/tmp/certs/cert.pem',
          private_key_file: '/tmp/certs/key.pem',
          ca_certificate_file: '/tmp/certs/roots.pem',
          refresh_interval: '1s',
        },
      },
    });
  });
});
