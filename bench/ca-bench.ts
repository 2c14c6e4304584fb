/**
 * CA benchmark: leaf issuance rate (EC P-256, RSA 2048) and the time to give
 * 10,000 services new leaves after a root rotation.
 *
 *   node --import tsx bench/ca-bench.ts [--services 10000] [--ec 5000] [--rsa 40]
 *
 * The machine is shared: the load average is printed with the figures.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { InMemoryCAStateStore, LeafManager, openCertificateAuthority, type CertificateAuthority } from '../ca/index.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    ec: { type: 'string', default: '5000' },
    rsa: { type: 'string', default: '40' },
  },
});
const SERVICES = Number(values.services);
const EC_LEAVES = Number(values.ec);
const RSA_LEAVES = Number(values.rsa);

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

async function openCA(config?: unknown): Promise<CertificateAuthority> {
  return openCertificateAuthority({ store: new InMemoryCAStateStore(), initialConfig: config, maintenanceIntervalMs: 0 });
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Issues `n` leaves one after another; returns leaves per wall-clock second and per CPU second of this process. */
async function sequentialRate(ca: CertificateAuthority, n: number): Promise<{ wall: number; cpu: number }> {
  const start = performance.now();
  const cpuStart = cpuMs();
  for (let i = 0; i < n; i++) await ca.issueLeafCertificate(`svc-${i}`);
  return { wall: n / ((performance.now() - start) / 1000), cpu: n / ((cpuMs() - cpuStart) / 1000) };
}

/** Issues `n` leaves with `concurrency` in flight (RSA key generation runs on the thread pool). */
async function concurrentRate(ca: CertificateAuthority, n: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await ca.issueLeafCertificate(`svc-${next++}`);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores)`);

  const ec = await openCA();
  await sequentialRate(ec, 500); // warm-up: JIT, signer cache
  const ecRate = await sequentialRate(ec, EC_LEAVES);
  console.log(`EC P-256 leaves: ${fmt(ecRate.wall)}/s wall clock, ${fmt(ecRate.cpu)} per CPU-second (${fmt(EC_LEAVES)} leaves, sequential)`);
  ec.close();

  const rsa = await openCA({ Config: { PrivateKeyType: 'rsa', PrivateKeyBits: 2048 } });
  await sequentialRate(rsa, 3);
  const rsaSeq = await sequentialRate(rsa, RSA_LEAVES);
  const rsaPar = await concurrentRate(rsa, RSA_LEAVES, 4);
  console.log(`RSA 2048 leaves: ${fmt(rsaSeq.wall, 1)}/s sequential, ${fmt(rsaPar, 1)}/s with 4 in flight (${RSA_LEAVES} leaves; key generation dominates)`);
  rsa.close();

  const ca = await openCA();
  const leaves = new LeafManager({ ca, checkIntervalMs: 0 });
  let start = performance.now();
  for (let i = 0; i < SERVICES; i++) await leaves.get(`svc-${i}`);
  console.log(`initial leaves for ${fmt(SERVICES)} services: ${fmt(performance.now() - start)} ms`);
  let reissued = 0;
  leaves.subscribe((u) => {
    if (u.reason === 'root-rotated') reissued++;
  });
  const before = ca.activeRootId();
  start = performance.now();
  const cpuStart = cpuMs();
  await ca.rotate();
  const rotated = performance.now();
  await leaves.settled();
  const done = performance.now();
  const cpuUsed = cpuMs() - cpuStart;
  const stale = leaves.services().filter((s) => leaves.current(s) === undefined).length;
  if (ca.activeRootId() === before || reissued !== SERVICES || stale !== 0) {
    throw new Error(`rotation benchmark inconsistent: reissued ${reissued} of ${SERVICES}`);
  }
  console.log(
    `root rotation (new root + cross-sign): ${fmt(rotated - start, 1)} ms; ` +
      `reissue of ${fmt(SERVICES)} leaves: ${fmt(done - rotated)} ms (${fmt(SERVICES / ((done - rotated) / 1000))}/s); CPU used: ${fmt(cpuUsed)} ms`,
  );
  leaves.close();
  ca.close();
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
