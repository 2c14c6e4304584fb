/** The chain written to cert.pem for gRPC's file_watcher provider: each certificate once, leaf first. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { leafChainPEM, writeCertFiles, type LeafResponse, type RootsResponse } from '../../cli/cert-files.ts';

const pem = (label: string): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(label).toString('base64')}\n-----END CERTIFICATE-----`;
const LEAF = pem('leaf');
const CROSS = pem('new root signed by old root');

function roots(intermediates: string[] | null): RootsResponse {
  return {
    TrustDomain: 'td.consul',
    ActiveRootID: 'new',
    Roots: [
      { ID: 'old', RootCert: pem('old root'), Active: false },
      { ID: 'new', RootCert: pem('new root'), IntermediateCerts: intermediates, Active: true },
    ],
  };
}
const leaf = (certPEM: string): LeafResponse => ({ CertPEM: certPEM, PrivateKeyPEM: '-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----', ValidBefore: '' });

it('appends the active root\'s intermediates to a bare leaf', () => {
  expect(leafChainPEM(leaf(LEAF), roots([CROSS]))).toBe(`${LEAF}\n${CROSS}\n`);
});

it('does not repeat an intermediate the leaf endpoint already included', () => {
  expect(leafChainPEM(leaf(`${LEAF}\n${CROSS}\n`), roots([`${CROSS}\n`]))).toBe(`${LEAF}\n${CROSS}\n`);
});

it('writes just the leaf when there are no intermediates', () => {
  expect(leafChainPEM(leaf(LEAF), roots(null))).toBe(`${LEAF}\n`);
});

it('writes cert.pem, key.pem (0600) and roots.pem with every trusted root', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-certs-'));
  try {
    await writeCertFiles(dir, leaf(`${LEAF}\n${CROSS}`), roots([CROSS]));
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(`${LEAF}\n${CROSS}\n`);
    expect(readFileSync(join(dir, 'roots.pem'), 'utf8')).toBe(`${pem('old root')}\n${pem('new root')}\n`);
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
