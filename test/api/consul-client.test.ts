/** The real Consul client library (npm `consul` v2) against a running server. */
import Consul from 'consul';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-harness.ts';

interface HealthEntry {
  Node: { Node: string };
  Service: { ID: string; Service: string; Port: number; Tags: string[] };
  Checks: { CheckID: string; Status: string }[];
}

let ts: TestServer;
let consul: Consul;
beforeAll(async () => {
  ts = await startTestServer();
  consul = new Consul({ host: ts.host, port: ts.port });
});
afterAll(async () => {
  consul?.destroy();
  await ts?.close();
});

/** Resolves with the first watch update that satisfies `pred`. */
function nextChange<T>(watch: ReturnType<Consul['watch']>, pred: (data: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onChange = (data: T): void => {
      if (!pred(data)) return;
      watch.off('change', onChange);
      resolve(data);
    };
    watch.on('change', onChange);
    watch.once('error', reject);
  });
}

describe('Consul client library against the HTTP API', () => {
  it('registers a service with a TTL check, watches its health through blocking queries, and deregisters it', async () => {
    await consul.agent.service.register({ name: 'web', id: 'web-1', port: 8080, tags: ['v1'], check: { ttl: '30s' } } as never);

    const services = (await consul.agent.service.list()) as Record<string, { Service: string; Port: number; Tags: string[] }>;
    expect(services['web-1']).toMatchObject({ Service: 'web', Port: 8080, Tags: ['v1'] });
    const nodes = (await consul.catalog.service.nodes('web')) as { Node: string; ServicePort: number }[];
    expect(nodes).toEqual([expect.objectContaining({ Node: 'agent-1', ServicePort: 8080 })]);

    const watch = consul.watch({ method: consul.health.service, options: { service: 'web', wait: '10s' } as never });
    try {
      // A new check starts critical.
      const initial = await nextChange<HealthEntry[]>(watch, () => true);
      expect(initial).toHaveLength(1);
      expect(initial[0]!.Checks.find((c) => c.CheckID === 'service:web-1')?.Status).toBe('critical');

      const passed = nextChange<HealthEntry[]>(watch, (d) => d[0]?.Checks.some((c) => c.CheckID === 'service:web-1' && c.Status === 'passing') ?? false);
      await consul.agent.check.pass('service:web-1');
      expect((await passed)[0]!.Service.ID).toBe('web-1');
      const passing = (await consul.health.service({ service: 'web', passing: true })) as HealthEntry[];
      expect(passing.map((e) => e.Service.ID)).toEqual(['web-1']);

      const failed = nextChange<HealthEntry[]>(watch, (d) => d[0]?.Checks.some((c) => c.CheckID === 'service:web-1' && c.Status === 'critical') ?? false);
      await consul.agent.check.fail({ id: 'service:web-1', note: 'down for test' });
      const afterFail = await failed;
      expect(afterFail[0]!.Checks.find((c) => c.CheckID === 'service:web-1')).toMatchObject({ Status: 'critical', Output: 'down for test' });
      expect(await consul.health.service({ service: 'web', passing: true })).toEqual([]);

      const gone = nextChange<HealthEntry[]>(watch, (d) => d.length === 0);
      await consul.agent.service.deregister('web-1');
      expect(await gone).toEqual([]);
    } finally {
      watch.end();
    }
    expect(await consul.catalog.service.nodes('web')).toEqual([]);
    expect((await consul.agent.check.list()) as Record<string, unknown>).not.toHaveProperty('service:web-1');
  });

  it('registers a sidecar proxy with upstreams through Connect.SidecarService', async () => {
    await consul.agent.service.register({
      name: 'api',
      id: 'api-1',
      port: 9000,
      address: '10.1.2.3',
      // The client library insists on a destination name; the server fills it from the parent anyway.
      connect: {
        sidecarservice: { proxy: { destinationservicename: 'api', upstreams: [{ DestinationName: 'db', LocalBindPort: 9191 }] } },
      },
    } as never);
    const proxy = (await consul.agent.service.list()) as Record<string, Record<string, unknown>>;
    expect(proxy['api-1-sidecar-proxy']).toMatchObject({
      Kind: 'connect-proxy',
      Service: 'api-sidecar-proxy',
      Address: '10.1.2.3',
      Port: 21000,
      Proxy: {
        DestinationServiceName: 'api',
        DestinationServiceID: 'api-1',
        LocalServiceAddress: '127.0.0.1',
        LocalServicePort: 9000,
        Upstreams: [expect.objectContaining({ DestinationName: 'db', LocalBindPort: 9191 })],
      },
    });
    const connect = (await consul.catalog.connect.nodes('api')) as { ServiceID: string }[];
    expect(connect.map((c) => c.ServiceID)).toEqual(['api-1-sidecar-proxy']);

    // A second sidecar gets the next free port in Consul's range.
    await consul.agent.service.register({ name: 'api', id: 'api-2', port: 9001, connect: { sidecarservice: {} } } as never);
    const all = (await consul.agent.service.list()) as Record<string, { Port: number }>;
    expect(all['api-2-sidecar-proxy']?.Port).toBe(21001);

    await consul.agent.service.deregister('api-1');
    const left = (await consul.agent.service.list()) as Record<string, unknown>;
    expect(Object.keys(left).sort()).toEqual(['api-2', 'api-2-sidecar-proxy']);
  });
});
