/**
 * One current leaf certificate per service: issued on first request, renewed
 * at about half its lifetime (±5% jitter, so a mesh's leaves do not all renew
 * at the same instant) and reissued by the new root after a rotation.
 * Subscribers hear of every new leaf (SDS pushes, blocked leaf queries).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CertificateAuthority } from './authority.ts';
import type { IssuedLeaf, IssuedLeafCertificate } from './types.ts';

/** Why a leaf was (re)issued. */
export type LeafUpdateReason = 'issued' | 'renewed' | 'root-rotated';

/** A new leaf for a service. */
export interface LeafUpdate {
  service: string;
  leaf: IssuedLeafCertificate;
  reason: LeafUpdateReason;
}

export interface LeafManagerOptions {
  ca: CertificateAuthority;
  now?: () => Date;
  /** Uniform [0,1) source for renewal jitter. */
  random?: () => number;
  /** How often to look for leaves due for renewal (ms); 0 disables the timer (tests call checkRenewals). Default 1 s. */
  checkIntervalMs?: number;
  /** Leaves issued per event-loop turn during a mass reissue, so requests keep being served. Default 200. */
  batchSize?: number;
  logger?: Logger;
}

interface Entry {
  leaf: IssuedLeaf;
  cert: IssuedLeafCertificate;
  renewAt: number;
}

/** Fraction of a leaf's lifetime after which it is renewed, before jitter. */
export const RENEW_FRACTION = 0.5;
/** Jitter span around RENEW_FRACTION (±half of this). */
export const RENEW_JITTER = 0.1;

/** Caches and renews leaf certificates. */
export class LeafManager {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly listeners = new Set<(u: LeafUpdate) => void>();
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly batchSize: number;
  private counter = 0;
  private background: Promise<unknown> = Promise.resolve();
  private readonly unsubscribeCa: () => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: LeafManagerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.batchSize = opts.batchSize ?? 200;
    this.unsubscribeCa = opts.ca.subscribe((e) => {
      if (e.activeRootChanged) this.runInBackground(() => this.reissueStale());
    });
    const every = opts.checkIntervalMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => this.runInBackground(() => this.checkRenewals()), every);
      this.timer.unref();
    }
  }

  /** The current leaf for `service`, issuing or renewing it first when needed. */
  async get(service: string): Promise<IssuedLeafCertificate> {
    const entry = this.entries.get(service);
    if (entry && !this.isStale(entry)) return entry.cert;
    return (await this.issue(service, entry ? this.reasonFor(entry) : 'issued')).cert;
  }

  /** The cached leaf, if any, without issuing. */
  current(service: string): IssuedLeafCertificate | undefined {
    return this.entries.get(service)?.cert;
  }

  /** ModifyIndex of the cached leaf of `service`, 0 when none. */
  index(service: string): number {
    return this.entries.get(service)?.cert.ModifyIndex ?? 0;
  }

  /** Services with a cached leaf. */
  services(): string[] {
    return [...this.entries.keys()];
  }

  /** Calls `listener` for every new leaf; returns the unsubscribe function. */
  subscribe(listener: (u: LeafUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops caching `service`'s leaf (no more renewals). */
  forget(service: string): void {
    this.entries.delete(service);
  }

  /** Renews every leaf past its renewal time; resolves to how many were renewed. */
  async checkRenewals(): Promise<number> {
    const now = this.now().getTime();
    const due = [...this.entries].filter(([, e]) => now >= e.renewAt).map(([s]) => s);
    return this.issueMany(due, 'renewed');
  }

  /** Reissues every leaf not signed by the active root; resolves to how many were reissued. */
  async reissueStale(): Promise<number> {
    let total = 0;
    // A second rotation during a long reissue leaves new stale entries: loop until none.
    for (;;) {
      const active = this.opts.ca.activeRootId();
      const stale = [...this.entries].filter(([, e]) => e.leaf.signingRootId !== active).map(([s]) => s);
      if (stale.length === 0 || this.closed) return total;
      total += await this.issueMany(stale, 'root-rotated');
    }
  }

  /** Resolves when background work started so far (reissue after rotation, renewals) has finished. */
  async settled(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.background) {
      seen = this.background;
      await seen;
    }
  }

  /** Stops timers and the CA subscription. */
  close(): void {
    this.closed = true;
    this.unsubscribeCa();
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }

  private isStale(e: Entry): boolean {
    return this.now().getTime() >= e.renewAt || e.leaf.signingRootId !== this.opts.ca.activeRootId();
  }

  private reasonFor(e: Entry): LeafUpdateReason {
    return e.leaf.signingRootId !== this.opts.ca.activeRootId() ? 'root-rotated' : 'renewed';
  }

  private runInBackground(task: () => Promise<unknown>): void {
    this.background = this.background.then(task).catch((err) => this.opts.logger?.error({ err }, 'leaf renewal failed'));
  }

  private async issueMany(services: string[], reason: LeafUpdateReason): Promise<number> {
    let n = 0;
    for (let i = 0; i < services.length; i += this.batchSize) {
      if (this.closed) break;
      const batch = services.slice(i, i + this.batchSize).filter((s) => this.entries.has(s));
      await Promise.all(batch.map((s) => this.issue(s, reason)));
      n += batch.length;
      if (i + this.batchSize < services.length) await nextTurn();
    }
    return n;
  }

  private issue(service: string, reason: LeafUpdateReason): Promise<Entry> {
    const running = this.inflight.get(service);
    if (running) return running;
    const p = (async (): Promise<Entry> => {
      const leaf = await this.opts.ca.issueLeafCertificate(service);
      this.counter = Math.max(this.counter + 1, this.opts.ca.index());
      const cert = { ...leaf.cert, CreateIndex: this.counter, ModifyIndex: this.counter };
      const life = leaf.validBefore.getTime() - leaf.issuedAt.getTime();
      const fraction = RENEW_FRACTION + (this.random() - 0.5) * RENEW_JITTER;
      const entry: Entry = { leaf, cert, renewAt: leaf.issuedAt.getTime() + life * fraction };
      this.entries.set(service, entry);
      for (const l of [...this.listeners]) l({ service, leaf: cert, reason });
      return entry;
    })();
    this.inflight.set(service, p);
    const clear = (): void => {
      if (this.inflight.get(service) === p) this.inflight.delete(service);
    };
    p.then(clear, clear);
    return p;
  }
}
