import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CertificateAuthority, IssuedLeafCertificate } from '../../ca/index.ts';
import { openTestCA, splitPem } from './helpers.ts';

interface Side {
  leaf: { CertPEM: string; PrivateKeyPEM: string };
  /** PEM of the roots this side trusts. */
  trusts: string;
}

interface Outcome {
  ok: boolean;
  error?: string;
  /** The SPIFFE URI each side saw in its peer's certificate. */
  serverSawClient?: string;
  clientSawServer?: string;
}

const uriOf = (s: TLSSocket): string | undefined => /URI:([^,]+)/.exec(s.getPeerCertificate().subjectaltname ?? '')?.[1];

/** One mutual-TLS handshake on 127.0.0.1 between a server and a client; everything is closed afterwards. */
async function handshake(server: Side, client: Side, servername: string): Promise<Outcome> {
  let serverSawClient: string | undefined;
  const srv = createServer(
    { cert: server.leaf.CertPEM, key: server.leaf.PrivateKeyPEM, ca: server.trusts, requestCert: true, rejectUnauthorized: true },
    (socket) => {
      serverSawClient = uriOf(socket);
      socket.end('hello');
    },
  );
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      const sock = connect({
        host: '127.0.0.1',
        port,
        servername,
        cert: client.leaf.CertPEM,
        key: client.leaf.PrivateKeyPEM,
        ca: client.trusts,
        rejectUnauthorized: true,
      });
      let data = '';
      let clientSawServer: string | undefined;
      sock.on('secureConnect', () => {
        clientSawServer = uriOf(sock);
      });
      sock.on('data', (d) => (data += d.toString()));
      sock.on('end', () => {
        sock.destroy();
        resolve(data === 'hello' ? { ok: true, serverSawClient, clientSawServer } : { ok: false, error: 'no data (server rejected the client?)' });
      });
      sock.on('error', (err) => {
        sock.destroy();
        resolve({ ok: false, error: err.message });
      });
    });
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
}

const opened: CertificateAuthority[] = [];
afterEach(() => {
  for (const ca of opened.splice(0)) ca.close();
});

const leafOnly = (l: IssuedLeafCertificate): { CertPEM: string; PrivateKeyPEM: string } => ({
  CertPEM: splitPem(l.CertPEM)[0]!,
  PrivateKeyPEM: l.PrivateKeyPEM,
});

describe('mutual TLS with issued leaves', () => {
  it('works before rotation, and across it through the cross-signed root', async () => {
    const { ca } = await openTestCA();
    opened.push(ca);
    const oldRoots = ca.rootsPem();
    const webOld = (await ca.issueLeafCertificate('web')).cert;
    const apiOld = (await ca.issueLeafCertificate('api')).cert;

    const before = await handshake({ leaf: webOld, trusts: oldRoots }, { leaf: apiOld, trusts: oldRoots }, 'web');
    expect(before).toEqual({ ok: true, serverSawClient: apiOld.ServiceURI, clientSawServer: webOld.ServiceURI });

    await ca.rotate();
    const allRoots = ca.rootsPem();
    const newRoot = ca.roots().Roots.find((r) => r.Active)!.RootCert;
    const webNew = (await ca.issueLeafCertificate('web')).cert;
    const apiNew = (await ca.issueLeafCertificate('api')).cert;

    // A server already on the new leaf and the new roots, a client still on its old leaf and old trust.
    const mixed = await handshake({ leaf: webNew, trusts: allRoots }, { leaf: apiOld, trusts: oldRoots }, 'web');
    expect(mixed).toMatchObject({ ok: true, serverSawClient: apiOld.ServiceURI, clientSawServer: webNew.ServiceURI });

    // Both on new leaves, both still trusting only the old root: the cross-signed certificate carries it.
    const oldTrust = await handshake({ leaf: webNew, trusts: oldRoots }, { leaf: apiNew, trusts: oldRoots }, 'web');
    expect(oldTrust).toMatchObject({ ok: true, serverSawClient: apiNew.ServiceURI });

    // Both fully moved over.
    const moved = await handshake({ leaf: webNew, trusts: newRoot }, { leaf: apiNew, trusts: newRoot }, 'web');
    expect(moved.ok).toBe(true);

    // Without the cross-signed certificate in the chain an old-root truster refuses the new leaf.
    const bare = await handshake({ leaf: leafOnly(webNew), trusts: allRoots }, { leaf: apiOld, trusts: oldRoots }, 'web');
    expect(bare.ok).toBe(false);
  });

  it('refuses a peer from another trust domain', async () => {
    const a = await openTestCA();
    const b = await openTestCA();
    opened.push(a.ca, b.ca);
    const web = (await a.ca.issueLeafCertificate('web')).cert;
    const intruder = (await b.ca.issueLeafCertificate('api')).cert;
    const out = await handshake({ leaf: web, trusts: a.ca.rootsPem() }, { leaf: intruder, trusts: a.ca.rootsPem() }, 'web');
    expect(out.ok).toBe(false);
  });
});
