/** What the benchmark reads about its processes: CPU time, resident memory and open files from Linux's /proc, and a clock they share. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) and RSS bytes of a process. */
export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
}

/** Reads `/proc/<pid>/stat` (utime, stime) and `/proc/<pid>/status` (VmRSS); throws if the process is gone. */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after the name (state is field 3).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (utime + stime) / clockTicks(), rssBytes: rssKb * 1024 };
}

/** How many file descriptors a process holds (entries of `/proc/<pid>/fd`); throws if the process is gone. */
export function openFileCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** This process's soft limit on open files (`Max open files` in `/proc/self/limits`), or undefined if unknown or unlimited. */
export function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Wall-clock time in epoch ms with sub-ms precision: comparable between processes on one machine (unlike `performance.now()`). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
