/** TCP check: passing when a connection to host:port is established within the timeout. */
import { connect } from 'node:net';
import { describeMs, type ProbeOptions, type ProbeResult } from './probe.ts';

/** Connects to host:port and closes at once; passing on connect, critical on any error or timeout. */
export function probeTcp(host: string, port: number, opts: ProbeOptions): ProbeResult {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const finish = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ Status: ok ? 'passing' : 'critical', Output: `TCP connect ${address}: ${detail}` });
    };
    const onAbort = (): void => finish(false, 'check cancelled');
    const timer = setTimeout(() => finish(false, `timed out after ${describeMs(opts.timeoutMs)}`), opts.timeoutMs);
    socket.once('connect', () => finish(true, 'Success'));
    socket.once('error', (err) => finish(false, err.message));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
