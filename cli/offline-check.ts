/**
 * The whole offline check of a set of config files: read, validate as the
 * API would, load into an offline mesh, render and check every proxy.
 * `switchboard validate` reports it; `switchboard render --dir` prints one proxy of it.
 */
import { checkConfigDocuments } from './config-check.ts';
import { readConfigFiles, type Problem } from './config-files.ts';
import { openOfflineMesh, renderOfflineProxy, type RenderedProxy } from './offline-mesh.ts';

/** Options of an offline check. */
export interface OfflineCheckOptions {
  datacenter: string;
  /** The default intention policy the proxies are rendered with. */
  defaultAllow: boolean;
  /** Render only this proxy (render --dir); all of them otherwise. */
  onlyProxyId?: string;
}

/** What was checked, and every problem found. */
export interface OfflineCheckReport {
  problems: Problem[];
  files: number;
  configEntries: number;
  intentions: number;
  services: number;
  chains: number;
  proxies: number;
  resources: number;
  rendered: RenderedProxy[];
}

/** Reads, validates, registers and renders everything under `paths`; never throws on bad input. */
export async function checkConfigPaths(paths: readonly string[], opts: OfflineCheckOptions): Promise<OfflineCheckReport> {
  const read = await readConfigFiles(paths);
  const checked = checkConfigDocuments(read.documents, { datacenter: opts.datacenter });
  const report: OfflineCheckReport = {
    problems: [...read.problems, ...checked.problems],
    files: read.files.length,
    configEntries: read.documents.filter((d) => d.kind === 'config-entry').length,
    intentions: read.documents.filter((d) => d.kind === 'intentions').length,
    services: read.documents.filter((d) => d.kind === 'service').length,
    chains: checked.chainsCompiled,
    proxies: 0,
    resources: 0,
    rendered: [],
  };
  if (read.files.length === 0 && read.problems.length === 0) {
    report.problems.push({ file: paths.join(' '), entry: '', message: 'no .json, .yaml or .yml files found' });
  }
  const { mesh, problems } = await openOfflineMesh(checked, { datacenter: opts.datacenter, defaultAllow: opts.defaultAllow });
  try {
    report.problems.push(...problems);
    for (const proxy of mesh.proxies) {
      if (opts.onlyProxyId !== undefined && proxy.proxyId !== opts.onlyProxyId) continue;
      const r = await renderOfflineProxy(mesh, proxy);
      report.rendered.push(r);
      report.proxies++;
      report.resources += r.count;
      report.problems.push(...r.problems);
    }
  } finally {
    mesh.close();
  }
  // Grouped by file (stable, so each file's problems keep the order they were found in).
  report.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return report;
}

/** `ok: 5 config entries, 2 services, 14 resources checked` */
export function summaryLine(r: OfflineCheckReport): string {
  const n = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
  return (
    `${n(r.configEntries + r.intentions, 'config entry', 'config entries')}, ${n(r.services, 'service')}, ` +
    `${n(r.chains, 'discovery chain')}, ${n(r.proxies, 'proxy', 'proxies')}, ${n(r.resources, 'resource')} checked`
  );
}
