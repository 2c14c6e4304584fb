/** Temporary config directories for CLI tests, and a runner for the real `switchboard` binary. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_CONFIG_DIR = join(REPO_ROOT, 'examples', 'config');

/** A temporary directory holding the given files (path → text, or a value written as JSON); removed by `remove()`. */
export function configDir(files: Record<string, string | object>): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-validate-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `node bin/switchboard.mjs ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin', 'switchboard.mjs'), ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
