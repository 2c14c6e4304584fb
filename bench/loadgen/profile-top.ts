/**
 * `node --import tsx bench/loadgen/profile-top.ts <file.cpuprofile> [n]`:
 * the functions with the most self time in a V8 CPU profile (as written by
 * `--cpu-prof`), with the share of all samples and their total (inclusive) time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of a profile. */
export interface ProfileLine {
  fn: string;
  where: string;
  selfMs: number;
  selfShare: number;
  totalMs: number;
}

/** The top `n` functions by self time (recursion counted once in totals). */
export function topFunctions(profile: CpuProfile, n: number): ProfileLine[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const key = (node: ProfileNode): string => {
    const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/|main\/)/, '$1');
    return `${node.callFrame.functionName || '(anonymous)'}\u0000${url}:${node.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    const leaf = byId.get(id);
    if (!leaf) return;
    self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const k = key(node);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => {
      const [fn, where] = k.split('\u0000') as [string, string];
      return { fn, where, selfMs: Math.round(ms), selfShare: all > 0 ? Math.round((ms / all) * 1000) / 10 : 0, totalMs: Math.round(total.get(k) ?? 0) };
    });
}

/** Inclusive time of every function named in `names` (summed over places of that name), ms, and the profile's whole time. */
export function inclusiveTimes(profile: CpuProfile, names: readonly string[]): { all: number; byName: Map<string, number> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const wanted = new Set(names);
  const byName = new Map(names.map((n) => [n, 0]));
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)?.callFrame.functionName ?? '';
      if (wanted.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        byName.set(fn, (byName.get(fn) ?? 0) + dt);
      }
    }
  });
  return { all, byName };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, count, totals] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [n] [fnA,fnB,... for inclusive times]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const l of topFunctions(profile, Number(count ?? 25))) {
    process.stdout.write(`${String(l.selfShare).padStart(5)}%  self ${String(l.selfMs).padStart(6)} ms  total ${String(l.totalMs).padStart(6)} ms  ${l.fn}  ${l.where}\n`);
  }
  if (totals) {
    const { all, byName } = inclusiveTimes(profile, totals.split(','));
    process.stdout.write(`\ninclusive (of ${Math.round(all)} ms):\n`);
    for (const [fn, ms] of byName) process.stdout.write(`${String(Math.round((ms / all) * 1000) / 10).padStart(5)}%  ${String(Math.round(ms)).padStart(6)} ms  ${fn}\n`);
  }
}
