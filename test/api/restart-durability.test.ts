/**
 * Durability across a crash: the real CLI is started, a registration is
 * acknowledged, the process is SIGKILLed, and a new process on the same data
 * dir still has it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `switchboard server` and resolves with its HTTP base URL once it prints it. */
function startCli(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/switchboard.mjs', 'server', '--no-acl', '--data-dir', dataDir, '--http-addr', '127.0.0.1:0', '--grpc-addr', '127.0.0.1:0', '--https-addr', '127.0.0.1:0', '--dns-addr', '127.0.0.1:0', '--node-name', 'crash-node', '--log-level', 'error'],
    { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /HTTP API (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('restart durability', () => {
  it('keeps an acknowledged registration after kill -9 and restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-crash-'));
    dirs.push(dataDir);
    const first = await startCli(dataDir);
    const reg = await fetch(`${first.url}/v1/agent/service/register`, {
      method: 'PUT',
      body: JSON.stringify({ Name: 'billing', ID: 'billing-1', Port: 7000, Tags: ['blue'], Check: { TTL: '1m', Status: 'passing' } }),
    });
    expect(reg.status).toBe(200);
    const cat = await fetch(`${first.url}/v1/catalog/register`, {
      method: 'PUT',
      body: JSON.stringify({ Node: 'ext-1', Address: '10.9.9.9', Service: { Service: 'legacy', Port: 80 } }),
    });
    expect(cat.status).toBe(200);
    const indexBefore = Number((await fetch(`${first.url}/v1/catalog/services`)).headers.get('x-consul-index'));
    await killed(first.child);

    const second = await startCli(dataDir);
    const services = (await (await fetch(`${second.url}/v1/agent/services`)).json()) as Record<string, { Port: number; Tags: string[] }>;
    expect(services['billing-1']).toMatchObject({ Port: 7000, Tags: ['blue'] });
    const health = (await (await fetch(`${second.url}/v1/health/service/billing?passing`)).json()) as unknown[];
    expect(health).toHaveLength(1);
    const legacy = (await (await fetch(`${second.url}/v1/catalog/service/legacy`)).json()) as { Address: string }[];
    expect(legacy).toEqual([expect.objectContaining({ Address: '10.9.9.9' })]);
    const after = await fetch(`${second.url}/v1/catalog/services`);
    expect(Number(after.headers.get('x-consul-index'))).toBeGreaterThanOrEqual(indexBefore);
    await killed(second.child);
  });
});
