import { describe, expect, it } from 'vitest';
import * as dnsPacket from 'dns-packet';
import { answerQuery, hexToIp, ipToHex, parseDnsName, type DnsAnswerContext } from '../../dns/index.ts';
import { ArrayCatalog } from './array-catalog.ts';

describe('parseDnsName', () => {
  const cases: Array<[string, ReturnType<typeof parseDnsName>]> = [
    ['web.service.consul', { kind: 'service', service: 'web' }],
    ['web.service.consul.', { kind: 'service', service: 'web' }],
    ['WEB.Service.CONSUL', { kind: 'service', service: 'WEB' }],
    ['web.service.dc1.consul', { kind: 'service', service: 'web' }],
    ['primary.web.service.consul', { kind: 'service', service: 'web', tag: 'primary' }],
    ['a.b.web.service.dc1.consul', { kind: 'service', service: 'web', tag: 'a.b' }],
    ['_web._tcp.service.consul', { kind: 'service', service: 'web' }],
    ['_web._udp.service.consul', { kind: 'service', service: 'web' }],
    ['_web._primary.service.dc1.consul', { kind: 'service', service: 'web', tag: 'primary' }],
    ['web.connect.consul', { kind: 'connect', service: 'web' }],
    ['node-1.node.dc1.consul', { kind: 'node', node: 'node-1' }],
    ['host.example.node.consul', { kind: 'node', node: 'host.example' }],
    ['0a000001.addr.dc1.consul', { kind: 'addr', hex: '0a000001' }],
    ['consul', { kind: 'apex' }],
    ['web.service.dc2.consul', { kind: 'unknown' }],
    ['service.consul', { kind: 'unknown' }],
    ['web.query.consul', { kind: 'unknown' }],
    ['a.b.connect.consul', { kind: 'unknown' }],
    ['example.com', { kind: 'outside' }],
    ['notconsul', { kind: 'outside' }],
  ];
  it.each(cases)('%s', (qname, expected) => {
    expect(parseDnsName(qname, 'consul', 'dc1')).toEqual(expected);
  });

  it('works with a multi-label domain', () => {
    expect(parseDnsName('web.service.east.mesh.local', 'mesh.local', 'east')).toEqual({ kind: 'service', service: 'web' });
  });
});

describe('ipToHex / hexToIp', () => {
  const cases: Array<[string, string]> = [
    ['10.0.0.1', '0a000001'],
    ['192.168.255.7', 'c0a8ff07'],
    ['2001:db8::5', '20010db8000000000000000000000005'],
    ['::1', '00000000000000000000000000000001'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
  ];
  it.each(cases)('%s ↔ %s', (ip, hex) => {
    expect(ipToHex(ip)).toBe(hex);
    expect(ipToHex(hexToIp(hex) as string)).toBe(hex);
  });
  it('rejects what is not an address', () => {
    expect(ipToHex('db.example')).toBeUndefined();
    expect(hexToIp('0a0001')).toBeUndefined();
    expect(hexToIp('zz000001')).toBeUndefined();
  });
});

describe('answerQuery', () => {
  const catalog = new ArrayCatalog().add(
    { service: 'web', node: 'a', nodeAddress: '10.0.0.1', port: 1 },
    { service: 'web', node: 'b', nodeAddress: '10.0.0.2', port: 2 },
    { service: 'web', node: 'c', nodeAddress: '10.0.0.3', port: 3 },
  );
  const ctx = (random: () => number): DnsAnswerContext => ({
    domain: 'consul',
    datacenter: 'dc1',
    catalog,
    ttl: 0,
    random,
    serial: () => 42,
  });
  const query = (name: string, type: 'A' | 'SRV', opcode = 0) =>
    dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 9, flags: opcode << 11, questions: [{ type, name }] }));

  it('shuffles with the injected random source', () => {
    const ports = (random: () => number) =>
      (answerQuery(query('web.service.consul', 'SRV'), ctx(random)).answers ?? []).map((a) => (a.type === 'SRV' ? a.data.port : 0));
    // random() = 0 swaps each element with the first: [1,2,3] → [2,3,1].
    expect(ports(() => 0)).toEqual([2, 3, 1]);
    // random() just under 1 keeps every element in place.
    expect(ports(() => 0.999)).toEqual([1, 2, 3]);
  });

  it('carries the instance weight in SRV records, 1 when unset', () => {
    const weighted: DnsAnswerContext = {
      ...ctx(() => 0.999),
      catalog: {
        serviceInstances: () => [
          { Node: 'a', NodeAddress: '10.0.0.1', ServiceAddress: '', ServicePort: 1, Tags: [], Weight: 10 },
          { Node: 'b', NodeAddress: '10.0.0.2', ServiceAddress: '', ServicePort: 2, Tags: [] },
        ],
        node: () => undefined,
      },
    };
    const weights = (answerQuery(query('web.service.consul', 'SRV'), weighted).answers ?? []).map((a) =>
      a.type === 'SRV' ? a.data.weight : -1,
    );
    expect(weights).toEqual([10, 1]);
  });

  it('puts the SOA serial from the context in the authority section', () => {
    const res = answerQuery(query('nope.service.consul', 'A'), ctx(Math.random));
    expect((res.flags ?? 0) & 0xf).toBe(3);
    const soa = res.authorities?.[0];
    expect(soa?.type === 'SOA' ? soa.data.serial : undefined).toBe(42);
  });

  it('answers NOTIMP to opcodes other than QUERY', () => {
    const res = answerQuery(query('web.service.consul', 'A', 2), ctx(Math.random));
    expect((res.flags ?? 0) & 0xf).toBe(4);
    expect(res.answers).toEqual([]);
  });
});
