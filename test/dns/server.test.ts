import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dnsPacket from 'dns-packet';
import { silentLogger } from '../../cli/logger.ts';
import { startDnsServer, type DnsServerHandle } from '../../dns/index.ts';
import { ArrayCatalog, type TestInstance } from './array-catalog.ts';
import { dig, digAvailable, type DigRecord } from './dig.ts';

const HAVE_DIG = digAvailable();

function makeCatalog(): ArrayCatalog {
  const big: TestInstance[] = Array.from({ length: 30 }, (_, i) => ({
    service: 'big',
    node: `big-${i}`,
    nodeAddress: `10.3.0.${i + 1}`,
    serviceAddress: `10.2.0.${i + 1}`,
    port: 7000 + i,
  }));
  return new ArrayCatalog().add(
    { service: 'web', node: 'node-a', nodeAddress: '10.0.0.1', port: 8080, tags: ['primary', 'v1'] },
    { service: 'web', node: 'node-b', nodeAddress: '10.0.0.2', serviceAddress: '10.1.0.2', port: 8081, tags: ['v2'], status: 'warning' },
    { service: 'web', node: 'node-c', nodeAddress: '10.0.0.3', port: 8082, tags: ['primary'], status: 'critical' },
    { service: 'web-sidecar-proxy', node: 'node-a', nodeAddress: '10.0.0.1', port: 21000, proxyFor: 'web' },
    { service: 'api', node: 'node-d', nodeAddress: '10.0.0.4', serviceAddress: '2001:db8::5', port: 9000 },
    { service: 'db', node: 'node-e', nodeAddress: '10.0.0.5', serviceAddress: 'db.example.internal', port: 5432 },
    ...big,
  );
}

const sorted = (records: DigRecord[]): string[] => records.map((r) => `${r.name} ${r.type} ${r.data}`).sort();

describe.skipIf(!HAVE_DIG)('DNS server answered by dig', () => {
  let catalog: ArrayCatalog;
  let server: DnsServerHandle;
  let port: number;
  let tcpPort: number;

  beforeAll(async () => {
    catalog = makeCatalog();
    server = await startDnsServer({ host: '127.0.0.1', port: 0, domain: 'consul.', datacenter: 'dc1', catalog, logger: silentLogger() });
    port = server.udpPort;
    tcpPort = server.tcpPort;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers SRV with each instance port, node or addr targets and their A records', async () => {
    const r = await dig(port, 'web.service.consul', 'SRV');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(sorted(r.answer)).toEqual([
      'web.service.consul. SRV 1 1 8080 node-a.node.dc1.consul.',
      'web.service.consul. SRV 1 1 8081 0a010002.addr.dc1.consul.',
    ]);
    expect(r.answer.every((a) => a.ttl === 0)).toBe(true);
    expect(sorted(r.additional.filter((a) => a.type !== 'OPT'))).toEqual([
      '0a010002.addr.dc1.consul. A 10.1.0.2',
      'node-a.node.dc1.consul. A 10.0.0.1',
    ]);
  });

  it('answers A with the service address, falling back to the node address, never a critical instance', async () => {
    const r = await dig(port, 'web.service.consul', 'A');
    expect(r.status).toBe('NOERROR');
    expect(sorted(r.answer)).toEqual(['web.service.consul. A 10.0.0.1', 'web.service.consul. A 10.1.0.2']);
    expect(r.authority).toEqual([]);
  });

  it('accepts the datacenter label and refuses other datacenters', async () => {
    const ours = await dig(port, 'web.service.dc1.consul', 'A');
    expect(sorted(ours.answer)).toEqual(['web.service.dc1.consul. A 10.0.0.1', 'web.service.dc1.consul. A 10.1.0.2']);
    const other = await dig(port, 'web.service.dc2.consul', 'A');
    expect(other.status).toBe('NXDOMAIN');
  });

  it('filters by tag in the <tag>.<service> form', async () => {
    const primary = await dig(port, 'primary.web.service.consul', 'A');
    expect(sorted(primary.answer)).toEqual(['primary.web.service.consul. A 10.0.0.1']);
    const v2 = await dig(port, 'v2.web.service.consul', 'SRV');
    expect(sorted(v2.answer)).toEqual(['v2.web.service.consul. SRV 1 1 8081 0a010002.addr.dc1.consul.']);
    const none = await dig(port, 'nosuchtag.web.service.consul', 'A');
    expect(none.status).toBe('NXDOMAIN');
  });

  it('answers the RFC 2782 form, with _tcp meaning any tag', async () => {
    const any = await dig(port, '_web._tcp.service.consul', 'SRV');
    expect(sorted(any.answer)).toEqual([
      '_web._tcp.service.consul. SRV 1 1 8080 node-a.node.dc1.consul.',
      '_web._tcp.service.consul. SRV 1 1 8081 0a010002.addr.dc1.consul.',
    ]);
    const tagged = await dig(port, '_web._v2.service.dc1.consul', 'SRV');
    expect(sorted(tagged.answer)).toEqual(['_web._v2.service.dc1.consul. SRV 1 1 8081 0a010002.addr.dc1.consul.']);
  });

  it('answers <service>.connect with the mesh-capable instances', async () => {
    const r = await dig(port, 'web.connect.consul', 'SRV');
    expect(sorted(r.answer)).toEqual(['web.connect.consul. SRV 1 1 21000 node-a.node.dc1.consul.']);
    const a = await dig(port, 'web.connect.consul', 'A');
    expect(sorted(a.answer)).toEqual(['web.connect.consul. A 10.0.0.1']);
    expect((await dig(port, 'api.connect.consul', 'SRV')).status).toBe('NXDOMAIN');
  });

  it('answers node lookups, with and without the datacenter', async () => {
    expect(sorted((await dig(port, 'node-b.node.consul', 'A')).answer)).toEqual(['node-b.node.consul. A 10.0.0.2']);
    expect(sorted((await dig(port, 'node-b.node.dc1.consul', 'A')).answer)).toEqual(['node-b.node.dc1.consul. A 10.0.0.2']);
    const missing = await dig(port, 'nope.node.consul', 'A');
    expect(missing.status).toBe('NXDOMAIN');
    expect(missing.authority.map((a) => a.type)).toEqual(['SOA']);
  });

  it('answers <hex>.addr lookups for IPv4 and IPv6', async () => {
    expect(sorted((await dig(port, '0a010002.addr.dc1.consul', 'A')).answer)).toEqual(['0a010002.addr.dc1.consul. A 10.1.0.2']);
    const v6 = await dig(port, '20010db8000000000000000000000005.addr.dc1.consul', 'AAAA');
    expect(sorted(v6.answer)).toEqual(['20010db8000000000000000000000005.addr.dc1.consul. AAAA 2001:db8::5']);
    expect((await dig(port, 'zz.addr.dc1.consul', 'A')).status).toBe('NXDOMAIN');
  });

  it('serves IPv6 service addresses as AAAA and as an addr SRV target', async () => {
    expect(sorted((await dig(port, 'api.service.consul', 'AAAA')).answer)).toEqual(['api.service.consul. AAAA 2001:db8::5']);
    const srv = await dig(port, 'api.service.consul', 'SRV');
    expect(sorted(srv.answer)).toEqual(['api.service.consul. SRV 1 1 9000 20010db8000000000000000000000005.addr.dc1.consul.']);
    expect(sorted(srv.additional.filter((a) => a.type !== 'OPT'))).toEqual([
      '20010db8000000000000000000000005.addr.dc1.consul. AAAA 2001:db8::5',
    ]);
    // An A query for a name that only has IPv6: the name exists, the type does not.
    const a = await dig(port, 'api.service.consul', 'A');
    expect(a.status).toBe('NOERROR');
    expect(a.answer).toEqual([]);
    expect(a.authority.map((x) => x.type)).toEqual(['SOA']);
  });

  it('points at a host-name service address with a CNAME', async () => {
    const r = await dig(port, 'db.service.consul', 'A');
    expect(sorted(r.answer)).toEqual(['db.service.consul. CNAME db.example.internal.']);
  });

  it('drops an instance the moment the catalog reports it critical', async () => {
    const nodeB = catalog.instances.find((i) => i.node === 'node-b');
    if (!nodeB) throw new Error('fixture lost node-b');
    nodeB.status = 'critical';
    try {
      const r = await dig(port, 'web.service.consul', 'SRV');
      expect(sorted(r.answer)).toEqual(['web.service.consul. SRV 1 1 8080 node-a.node.dc1.consul.']);
    } finally {
      nodeB.status = 'warning';
    }
    expect((await dig(port, 'web.service.consul', 'SRV')).answer).toHaveLength(2);
  });

  it('answers unknown names with NXDOMAIN and the zone SOA', async () => {
    const r = await dig(port, 'nosuch.service.consul', 'A');
    expect(r.status).toBe('NXDOMAIN');
    expect(r.flags).toContain('aa');
    expect(r.answer).toEqual([]);
    expect(r.authority).toHaveLength(1);
    expect(r.authority[0]?.name).toBe('consul.');
    expect(r.authority[0]?.type).toBe('SOA');
    expect(r.authority[0]?.data).toMatch(/^ns\.consul\. hostmaster\.consul\. \d+ 3600 600 86400 0$/);
    expect((await dig(port, 'web.bogus.consul', 'A')).status).toBe('NXDOMAIN');
  });

  it('answers an unsupported type for a known name with NOERROR, no answers and the SOA', async () => {
    const r = await dig(port, 'web.service.consul', 'TXT');
    expect(r.status).toBe('NOERROR');
    expect(r.answer).toEqual([]);
    expect(r.authority.map((a) => a.type)).toEqual(['SOA']);
  });

  it('refuses names outside its domain (it is not a recursor)', async () => {
    const r = await dig(port, 'example.com', 'A');
    expect(r.status).toBe('REFUSED');
  });

  it('honours +norec: no RD echoed, no RA claimed, same answer', async () => {
    const r = await dig(port, 'web.service.consul', 'A', ['+norec']);
    expect(r.flags).not.toContain('rd');
    expect(r.flags).not.toContain('ra');
    expect(r.answer).toHaveLength(2);
    const withRec = await dig(port, 'web.service.consul', 'A');
    expect(withRec.flags).toContain('rd');
    expect(withRec.flags).not.toContain('ra');
  });

  it('truncates over UDP without EDNS at 512 bytes, and answers in full over TCP', async () => {
    const udp = await dig(port, 'big.service.consul', 'SRV', ['+noedns', '+ignore']);
    expect(udp.flags).toContain('tc');
    expect(udp.answer.length).toBeGreaterThan(0);
    expect(udp.answer.length).toBeLessThan(30);
    // What was kept is consistent: every kept SRV target has its A record.
    const targets = udp.answer.map((a) => a.data.split(' ')[3]);
    for (const t of udp.additional.map((a) => a.name)) expect(targets).toContain(t);

    const tcp = await dig(tcpPort, 'big.service.consul', 'SRV', ['+tcp']);
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.answer).toHaveLength(30);
    expect(tcp.additional.filter((a) => a.type === 'A')).toHaveLength(30);
    expect(new Set(tcp.answer.map((a) => a.data.split(' ')[2]))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => String(7000 + i))));
  });

  it('honours the EDNS0 buffer size the client advertises', async () => {
    const small = await dig(port, 'big.service.consul', 'SRV', ['+noedns', '+ignore']);
    const medium = await dig(port, 'big.service.consul', 'SRV', ['+bufsize=1232', '+ignore']);
    expect(medium.flags).toContain('tc');
    expect(medium.answer.length).toBeGreaterThan(small.answer.length);
    const large = await dig(port, 'big.service.consul', 'SRV', ['+bufsize=4096', '+ignore']);
    expect(large.flags).not.toContain('tc');
    expect(large.answer).toHaveLength(30);
  });

  it('shuffles answers between queries', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 12 && orders.size < 2; i++) {
      const r = await dig(port, 'big.service.consul', 'A', ['+bufsize=4096']);
      orders.add(r.answer.map((a) => a.data).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('answers FORMERR to a garbage UDP packet and keeps serving', async () => {
    const reply = await udpExchange(port, Buffer.from('\x12\x34this is not a dns packet at all', 'latin1'));
    const decoded = dnsPacket.decode(reply);
    expect(decoded.id).toBe(0x1234);
    expect(decoded.type).toBe('response');
    expect((decoded.flags ?? 0) & 0xf).toBe(1);
    // A too-short fragment gets no answer; the server must still be alive afterwards.
    await udpSendOnly(port, Buffer.from([1, 2, 3]));
    expect((await dig(port, 'web.service.consul', 'A')).answer).toHaveLength(2);
  });

  it('answers FORMERR to a garbage TCP message and keeps the connection usable', async () => {
    const garbage = Buffer.from('\xbe\xefjunkjunkjunkjunk', 'latin1');
    const query = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'web.service.consul' }] });
    const replies = await tcpExchange(tcpPort, [garbage, query]);
    const first = dnsPacket.decode(replies[0] as Buffer);
    expect(first.id).toBe(0xbeef);
    expect((first.flags ?? 0) & 0xf).toBe(1);
    const second = dnsPacket.decode(replies[1] as Buffer);
    expect(second.id).toBe(7);
    expect(second.answers?.map((a) => (a.type === 'A' ? a.data : '')).sort()).toEqual(['10.0.0.1', '10.1.0.2']);
  });
});

describe.skipIf(!HAVE_DIG)('DNS server options', () => {
  it('serves a custom domain and TTL on an explicit port, and refuses the default domain', async () => {
    // Find a free port, then ask for it explicitly. Another test may take the
    // port between the probe and the bind, so try a few ports.
    let wanted = 0;
    let server: Awaited<ReturnType<typeof startDnsServer>> | undefined;
    for (let attempt = 0; attempt < 5 && !server; attempt++) {
      const probe = await startDnsServer({ host: '127.0.0.1', port: 0, catalog: makeCatalog(), logger: silentLogger() });
      wanted = probe.udpPort;
      await probe.close();
      try {
        server = await startDnsServer({
          host: '127.0.0.1',
          port: wanted,
          domain: 'mesh.local',
          datacenter: 'east',
          ttl: 30,
          catalog: makeCatalog(),
          logger: silentLogger(),
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    if (!server) throw new Error('no free port for the explicit-port test after 5 tries');
    try {
      expect(server.udpPort).toBe(wanted);
      expect(server.tcpPort).toBe(wanted);
      const r = await dig(wanted, 'web.service.east.mesh.local', 'SRV');
      expect(sorted(r.answer)).toEqual([
        'web.service.east.mesh.local. SRV 1 1 8080 node-a.node.east.mesh.local.',
        'web.service.east.mesh.local. SRV 1 1 8081 0a010002.addr.east.mesh.local.',
      ]);
      expect(r.answer.every((a) => a.ttl === 30)).toBe(true);
      expect((await dig(wanted, 'web.service.consul', 'A')).status).toBe('REFUSED');
      expect((await dig(wanted, 'web.service.mesh.local', 'A', ['+tcp'])).answer).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

function udpExchange(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('no UDP reply within 3s'));
    }, 3000);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve(msg);
    });
    sock.send(payload, port, '127.0.0.1');
  });
}

function udpSendOnly(port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.send(payload, port, '127.0.0.1', () => {
      sock.close();
      resolve();
    });
  });
}

/** Sends length-framed messages on one TCP connection and collects as many framed replies. */
function tcpExchange(port: number, messages: Buffer[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`got ${replies.length} of ${messages.length} TCP replies within 3s`));
    }, 3000);
    sock.on('error', reject);
    sock.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const len = buffered.readUInt16BE(0);
        replies.push(buffered.subarray(2, 2 + len));
        buffered = buffered.subarray(2 + len);
      }
      if (replies.length === messages.length) {
        clearTimeout(timer);
        sock.end();
        resolve(replies);
      }
    });
    for (const m of messages) {
      const frame = Buffer.alloc(2 + m.length);
      frame.writeUInt16BE(m.length, 0);
      m.copy(frame, 2);
      sock.write(frame);
    }
  });
}
