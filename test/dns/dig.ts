/** Runs the real `dig` binary and parses what it prints, for the DNS tests. */
import { execFile, execFileSync } from 'node:child_process';

export interface DigRecord {
  name: string;
  ttl: number;
  type: string;
  data: string;
}

export interface DigResult {
  status: string;
  flags: string[];
  answer: DigRecord[];
  authority: DigRecord[];
  additional: DigRecord[];
  raw: string;
}

/** True if a `dig` binary is on the PATH. */
export function digAvailable(): boolean {
  try {
    execFileSync('dig', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Queries 127.0.0.1:port with dig; extra are dig options such as +tcp, +norec, +noedns. */
export function dig(port: number, name: string, type: string, extra: string[] = []): Promise<DigResult> {
  const args = ['@127.0.0.1', '-p', String(port), name, type, '+tries=1', '+time=3', '+noall', '+comments', '+answer', '+authority', '+additional', ...extra];
  return new Promise((resolve, reject) => {
    execFile('dig', args, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`dig ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
        return;
      }
      resolve(parseDig(stdout));
    });
  });
}

function parseDig(out: string): DigResult {
  const status = /status: ([A-Z]+)/.exec(out)?.[1] ?? 'NONE';
  const flags = (/;; flags: ([a-z ]*);/.exec(out)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const sections: Record<string, DigRecord[]> = { ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let current: DigRecord[] | undefined;
  for (const line of out.split('\n')) {
    const header = /^;; ([A-Z]+) SECTION:/.exec(line);
    if (header) {
      current = sections[header[1] as string];
      continue;
    }
    if (line.trim() === '' || line.startsWith(';')) {
      if (line.trim() === '') current = undefined;
      continue;
    }
    if (!current) continue;
    const [name, ttl, , type, ...data] = line.split(/\s+/);
    current.push({ name: name as string, ttl: Number(ttl), type: type as string, data: data.join(' ') });
  }
  return {
    status,
    flags,
    answer: sections.ANSWER ?? [],
    authority: sections.AUTHORITY ?? [],
    additional: sections.ADDITIONAL ?? [],
    raw: out,
  };
}
