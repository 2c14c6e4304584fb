/** Check definitions as the HTTP API receives them, and the validated form the runner executes. */

export type CheckStatus = 'passing' | 'warning' | 'critical';

export const CHECK_STATUSES: readonly CheckStatus[] = ['passing', 'warning', 'critical'];

/**
 * A check definition with Consul's PascalCase field names (api.AgentServiceCheck /
 * AgentCheckRegistration). `ID` is accepted as an alias of `CheckID` because
 * /v1/agent/check/register names it so; snake_case keys are accepted by
 * `normalizeCheckKeys`.
 */
export interface CheckDefinition {
  CheckID?: string;
  ID?: string;
  Name?: string;
  ServiceID?: string;
  Notes?: string;
  Status?: CheckStatus;
  Interval?: string | number;
  Timeout?: string | number;
  HTTP?: string;
  Method?: string;
  Header?: Record<string, string[]>;
  Body?: string;
  TLSServerName?: string;
  TLSSkipVerify?: boolean;
  TCP?: string;
  GRPC?: string;
  GRPCUseTLS?: boolean;
  TTL?: string | number;
  DeregisterCriticalServiceAfter?: string | number;
  SuccessBeforePassing?: number;
  FailuresBeforeWarning?: number;
  FailuresBeforeCritical?: number;
}

/** What a check reports: the same pair the catalog stores. */
export interface CheckState {
  Status: CheckStatus;
  Output: string;
}

/** The probe half of a validated check: a union on the check type, durations in milliseconds. */
export type ProbeSpec =
  | {
      type: 'http';
      url: string;
      method: string;
      headers: Record<string, string[]>;
      body: string | undefined;
      tlsSkipVerify: boolean;
      tlsServerName: string | undefined;
      intervalMs: number;
      timeoutMs: number;
    }
  | { type: 'tcp'; host: string; port: number; intervalMs: number; timeoutMs: number }
  | {
      type: 'grpc';
      /** host:port as given, for messages. */
      target: string;
      host: string;
      port: number;
      /** Service name sent in HealthCheckRequest; '' asks about the server as a whole. */
      service: string;
      useTls: boolean;
      tlsSkipVerify: boolean;
      tlsServerName: string | undefined;
      intervalMs: number;
      timeoutMs: number;
    }
  | { type: 'ttl'; ttlMs: number };

export type CheckType = ProbeSpec['type'];

/** A check definition that passed validation, ready for the runner. */
export interface CheckSpec {
  CheckID: string;
  Name: string;
  ServiceID: string | undefined;
  Notes: string;
  /** Status the check starts in when no earlier state is known (Consul: critical). */
  initialStatus: CheckStatus;
  probe: ProbeSpec;
  /** 0 when unset: the check result is applied at once. */
  successBeforePassing: number;
  failuresBeforeWarning: number;
  failuresBeforeCritical: number;
  deregisterCriticalServiceAfterMs: number | undefined;
  /** The definition with PascalCase keys and defaults filled in, for persistence and the API. */
  definition: CheckDefinition;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };
