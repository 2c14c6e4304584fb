/** gRPC check: grpc.health.v1.Health/Check; SERVING is passing, any other answer or error critical. */
import { Client, Metadata, credentials, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { HEALTH_CHECK_METHOD, SERVING_STATUS_NAMES, decodeHealthCheckResponse, encodeHealthCheckRequest } from './grpc-health-proto.ts';
import { describeMs, type ProbeOptions, type ProbeResult } from './probe.ts';
import type { ProbeSpec } from './types.ts';

type GrpcProbe = Extract<ProbeSpec, { type: 'grpc' }>;

const SERVING = 1;

/**
 * Calls Health/Check on a fresh channel (closed afterwards) so each probe tests that the
 * server accepts connections now, not that an old connection still lives.
 */
export function probeGrpc(spec: GrpcProbe, opts: ProbeOptions): ProbeResult {
  const label = `gRPC check ${spec.target}${spec.service ? `/${spec.service}` : ''}`;
  const address = spec.host.includes(':') ? `[${spec.host}]:${spec.port}` : `${spec.host}:${spec.port}`;
  const creds = spec.useTls
    ? credentials.createSsl(null, null, null, {
        rejectUnauthorized: !spec.tlsSkipVerify,
        ...(spec.tlsSkipVerify ? { checkServerIdentity: () => undefined } : {}),
      })
    : credentials.createInsecure();
  const channelOptions: Record<string, string | number> = {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.enable_retries': 0,
  };
  if (spec.tlsServerName !== undefined) channelOptions['grpc.ssl_target_name_override'] = spec.tlsServerName;
  const client = new Client(address, creds, channelOptions);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      client.close();
      resolve({ Status: ok ? 'passing' : 'critical', Output: `${label}: ${detail}` });
    };
    const call = client.makeUnaryRequest(
      HEALTH_CHECK_METHOD,
      encodeHealthCheckRequest,
      decodeHealthCheckResponse,
      { service: spec.service },
      new Metadata(),
      { deadline: Date.now() + spec.timeoutMs },
      (err: ServiceError | null, res?: { status: number }) => {
        if (err) {
          const detail =
            err.code === grpcStatus.DEADLINE_EXCEEDED
              ? `timed out after ${describeMs(spec.timeoutMs)}`
              : `rpc error: code = ${grpcStatus[err.code] ?? err.code} desc = ${err.details}`;
          finish(false, detail);
          return;
        }
        const status = res?.status ?? 0;
        if (status === SERVING) finish(true, 'success');
        else finish(false, `failed, status ${SERVING_STATUS_NAMES[status] ?? String(status)}`);
      },
    );
    const onAbort = (): void => {
      call.cancel();
      finish(false, 'check cancelled');
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
