/** Writes a service's leaf, key and trusted roots as the files gRPC's file_watcher provider reads. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { GRPC_CERT_FILES } from '../xds/bootstrap/grpc.ts';
import { apiGet, type ApiTarget } from './api-client.ts';

/** Consul's leaf-certificate response (the fields used here). */
export interface LeafResponse {
  CertPEM: string;
  PrivateKeyPEM: string;
  ValidBefore: string;
}

/** Consul's roots response (the fields used here). */
export interface RootsResponse {
  TrustDomain: string;
  ActiveRootID: string;
  Roots: { ID: string; RootCert: string; IntermediateCerts?: string[] | null; Active: boolean }[];
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, content, { mode });
  await fs.rename(tmp, file);
}

function pemText(p: string): string {
  return p.endsWith('\n') ? p : `${p}\n`;
}

/** The PEM blocks of a text, each ending with a newline. */
function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g)].map((m) => `${m[0]}\n`);
}

/**
 * The leaf's chain: the leaf (and whatever intermediates its CertPEM already
 * carries, as Consul's leaf endpoint returns them), then the active root's
 * intermediates that are not in it yet — each certificate once.
 */
export function leafChainPEM(leaf: LeafResponse, roots: RootsResponse): string {
  const active = roots.Roots.find((r) => r.Active);
  const blocks = [...pemBlocks(leaf.CertPEM), ...(active?.IntermediateCerts ?? []).flatMap(pemBlocks)];
  return [...new Set(blocks)].join('');
}

/**
 * Writes cert.pem (leaf plus the active root's intermediates, so peers that
 * still trust only the old root accept it), key.pem (0600) and roots.pem
 * (every trusted root). The key is written before the cert so that a reader
 * never pairs a new cert with an old key for long.
 */
export async function writeCertFiles(dir: string, leaf: LeafResponse, roots: RootsResponse): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const chain = leafChainPEM(leaf, roots);
  await writeAtomic(path.join(dir, GRPC_CERT_FILES.key), pemText(leaf.PrivateKeyPEM), 0o600);
  await writeAtomic(path.join(dir, GRPC_CERT_FILES.cert), chain, 0o644);
  await writeAtomic(path.join(dir, GRPC_CERT_FILES.roots), roots.Roots.map((r) => pemText(r.RootCert)).join(''), 0o644);
}

/** Fetches the current leaf and roots for a service and writes them. */
export async function refreshCertFiles(target: ApiTarget, service: string, dir: string): Promise<{ leafIndex: number; rootsIndex: number }> {
  const leaf = await apiGet<LeafResponse>(target, `/v1/agent/connect/ca/leaf/${encodeURIComponent(service)}`);
  const roots = await apiGet<RootsResponse>(target, '/v1/agent/connect/ca/roots');
  await writeCertFiles(dir, leaf.body, roots.body);
  return { leafIndex: leaf.index, rootsIndex: roots.index };
}

/**
 * Keeps the files fresh: a blocking query on the leaf and one on the roots;
 * when either returns with a new index, both are read again and written.
 * Runs until the signal aborts.
 */
export async function watchCertFiles(target: ApiTarget, service: string, dir: string, signal: AbortSignal, onWrite?: () => void): Promise<void> {
  let { leafIndex, rootsIndex } = await refreshCertFiles(target, service, dir);
  onWrite?.();
  const leafPath = `/v1/agent/connect/ca/leaf/${encodeURIComponent(service)}`;
  while (!signal.aborted) {
    const round = new AbortController();
    const stop = (): void => round.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const blocking = [
        apiGet<LeafResponse>(target, leafPath, { index: leafIndex, wait: '5m', signal: round.signal }),
        apiGet<RootsResponse>(target, '/v1/agent/connect/ca/roots', { index: rootsIndex, wait: '5m', signal: round.signal }),
      ];
      for (const p of blocking) p.catch(() => undefined);
      await Promise.race(blocking);
      round.abort();
      if (signal.aborted) return;
      const next = await refreshCertFiles(target, service, dir);
      if (next.leafIndex !== leafIndex || next.rootsIndex !== rootsIndex) onWrite?.();
      ({ leafIndex, rootsIndex } = next);
    } catch (err) {
      round.abort();
      if (signal.aborted) return;
      process.stderr.write(`switchboard certs: ${(err as Error).message}; retrying in 1s\n`);
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }
}
