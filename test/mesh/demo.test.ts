/** `npm run demo` starts a server and a proxyless mesh, serves RPCs, and stops cleanly on Ctrl-C. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO } from './harness.ts';

it('serves an RPC through the mesh, prints where to look, and exits 0 on SIGINT', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/demo.ts'], {
    cwd: REPO,
    env: { ...process.env, DEMO_HTTP_PORT: '0', DEMO_GRPC_PORT: '0', DEMO_DNS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 25_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/answered by api-[12]/.test(out)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.on('exit', () => resolve(false));
    });
    expect(answered, `stdout:\n${out}\nstderr:\n${err}`).toBe(true);
    expect(out).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/v1\/xds\/proxies/);
    expect(out).toMatch(/dig @127\.0\.0\.1 -p \d+ api\.service\.consul SRV/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('demo stopped');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 40_000);
