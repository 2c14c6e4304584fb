/** Shared test helpers for the CA: a settable clock, PEM splitting, and the openssl binary. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCertificateAuthority, InMemoryCAStateStore, counterSerialSource, type CertificateAuthority, type CAStateStore } from '../../ca/index.ts';

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms: number = Math.floor(Date.now() / 1000) * 1000) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const HOUR = 3_600_000;

/** Opens a CA with a manual clock, counter serials and no background timers. */
export async function openTestCA(
  opts: { store?: CAStateStore; clock?: ManualClock; initialConfig?: unknown; serialStart?: bigint } = {},
): Promise<{ ca: CertificateAuthority; store: CAStateStore; clock: ManualClock }> {
  const store = opts.store ?? new InMemoryCAStateStore();
  const clock = opts.clock ?? new ManualClock();
  const ca = await openCertificateAuthority({
    store,
    now: clock.now,
    serials: counterSerialSource(opts.serialStart ?? 1n),
    initialConfig: opts.initialConfig,
    maintenanceIntervalMs: 0,
  });
  return { ca, store, clock };
}

/** Splits concatenated PEM certificates. */
export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** Runs `openssl verify` with the given files; returns its exit status and output. */
export function opensslVerify(
  files: { caFile: string; untrusted?: string; cert: string },
  atTimeMs?: number,
): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ca-test-'));
  try {
    const write = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const args = ['verify', '-x509_strict', '-CAfile', write('ca.pem', files.caFile)];
    if (files.untrusted) args.push('-untrusted', write('untrusted.pem', files.untrusted));
    if (atTimeMs !== undefined) args.push('-attime', String(Math.floor(atTimeMs / 1000)));
    args.push(write('cert.pem', files.cert));
    try {
      const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, output: out };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
