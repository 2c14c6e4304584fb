/** The table `npm run bench` prints. */
import type { EncodeOnce } from './encode-once.ts';
import type { BenchResult, ScenarioReport } from './run-bench.ts';

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function row(r: ScenarioReport): string[] {
  const c = r.convergenceMs;
  const lag = r.eventLoopLagMs;
  return [
    r.name,
    `${r.converged}/${r.expected}`,
    c ? String(c.p50) : '-',
    c ? String(c.p99) : '-',
    c ? String(c.max) : '-',
    r.firstCdsMs ? `${r.firstCdsMs.p50}/${r.firstCdsMs.p99}/${r.firstCdsMs.max}` : '-',
    String(r.messagesReceived),
    mb(r.bytesReceived),
    String(r.unaffectedPushed),
    r.wallSeconds.toFixed(1),
    r.serverCpuSeconds.toFixed(2),
    r.generatorCpuSeconds.toFixed(2),
    mb(r.serverRssBytes),
    `${r.nacksSent}/${r.unexpectedNacks}`,
    lag ? `${lag.p99}/${lag.max}` : '-',
    String(r.encodeOnce.encodings),
    String(r.encodeOnce.distinctReceived),
    ratio(r.encodeOnce),
    r.replay ? String(r.replay.ms) : '-',
    r.replay?.ratio != null ? `×${r.replay.ratio}` : '-',
  ];
}

const HEAD = ['scenario', 'converged', 'p50 ms', 'p99 ms', 'max ms', '1st CDS p50/p99/max ms', 'msgs', 'MB', 'unaff.', 'wall s', 'srv CPU s', 'gen CPU s', 'srv RSS MB', 'NACK/unexp', 'lag p99/max ms', 'enc', 'distinct', 'enc/dist', 'replay ms', 'ratio'];

function ratio(e: EncodeOnce): string {
  return e.ratio === null ? '-' : e.ratio.toFixed(2);
}

function fdLine(fds: BenchResult['fds']): string {
  const r = fds.duringReplay;
  const replay = r ? `; during replay generator ${r.generator}, replay server ${r.replayServer}, replay clients ${r.replayClients}` : '';
  return `open files: after connect generator ${fds.afterConnect.generator}, server ${fds.afterConnect.server}${replay} (limit ${fds.limit ?? 'unknown'} per process)`;
}

/** Renders the result as a plain-text table with a header of the run's shape. */
export function formatTable(result: BenchResult): string {
  const o = result.options;
  const rows = [HEAD, row(result.connect), ...result.scenarios.map(row)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  const m = result.machine;
  return [
    `${o.mode} ADS, proxies ${o.proxies} (services ${o.services} × instances ${o.instances}, upstreams ${o.upstreams}, ${o.instancesPerNode}/node), nack rate ${o.nackRate}, seed ${o.seed}`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${mb(m.memoryBytes)} MB, node ${m.node}, load ${m.loadavg.join(' ')}`,
    `setup: ${result.setup.instances} instances in ${result.setup.registerSeconds} s (HTTP ${result.setup.httpInstancesPerSecond ?? '-'}/s, store ${result.setup.storeInstancesPerSecond}/s)`,
    `per connected proxy: server RSS ${result.perProxy.rssBytes} B, heap ${result.perProxy.heapBytes} B; builds ${result.server.builds}`,
    `encode once: ${result.encodeOnce.encodings} encodings since the server started, ${result.encodeOnce.distinctReceived} distinct (type, name, version) received by the proxies (encodings / distinct ${ratio(result.encodeOnce)})`,
    fdLine(result.fds),
    '',
    line(rows[0] as string[]),
    ...rows.slice(1).map(line),
    ...[result.connect, ...result.scenarios].flatMap((r) => [
      ...(r.note ? [`${r.name}: ${r.note}`] : []),
      ...(r.replayError ? [`${r.name}: replay failed: ${r.replayError}`] : []),
    ]),
  ].join('\n');
}
