/**
 * Group commit for the SQLite store. better-sqlite3 is synchronous, so every
 * commit blocks the event loop for its fsync (synchronous=FULL). Writes that
 * arrive in the same turn of the event loop are therefore queued and committed
 * together on the next setImmediate: one outer transaction, hence one fsync,
 * in which each write runs in its own savepoint. A write that aborts rolls
 * back only its savepoint and gets its own failure, exactly as if it had run
 * alone; each successful write still gets its own index, in the order the
 * writes were made. Callers hear back only after the outer commit, so an
 * acknowledged write is as durable as before.
 */
import type { Database as Db, Transaction } from 'better-sqlite3';
import { TxnAbort, runTransaction, type TxnReads } from './sqlite-txn.ts';
import type { CatalogOp, ChangeEvent, WriteResult } from './types.ts';

/** How many outer commits carried how many `apply` calls (commits < applies when writes were grouped). */
export interface CommitStats {
  commits: number;
  applies: number;
}

/** What the store does around a commit; both run synchronously, in this order, after the outer transaction ends. */
export interface GroupCommitHooks {
  /** The database changed (or a commit failed): forget anything cached from it. */
  invalidate(): void;
  /** One committed change, called in index order. */
  publish(ev: ChangeEvent): void;
}

type Outcome = { kind: 'result'; result: WriteResult; ev?: ChangeEvent } | { kind: 'error'; error: unknown };

interface Pending {
  ops: readonly CatalogOp[];
  resolve(r: WriteResult): void;
  reject(err: unknown): void;
}

/** Queues writes and commits each turn's writes in one SQLite transaction. */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly stats: CommitStats = { commits: 0, applies: 0 };
  private readonly commitBatch: Transaction<(batch: readonly Pending[]) => Outcome[]>;

  constructor(
    db: Db,
    reads: TxnReads,
    private readonly hooks: GroupCommitHooks,
  ) {
    // Called inside the outer transaction, better-sqlite3 runs this as a savepoint.
    const applyOne = db.transaction((ops: readonly CatalogOp[]) => runTransaction(db, reads, ops));
    this.commitBatch = db.transaction((batch: readonly Pending[]): Outcome[] =>
      batch.map((p): Outcome => {
        try {
          const ev = applyOne(p.ops);
          return { kind: 'result', result: { ok: true, index: ev ? ev.index : reads.currentIndex() }, ev };
        } catch (err) {
          // Some errors (I/O, full disk) make SQLite roll back the whole transaction, not just the
          // savepoint: the writes before this one are gone too, so the whole batch fails.
          if (!db.inTransaction) throw err;
          if (err instanceof TxnAbort) {
            return { kind: 'result', result: { ok: false, reason: err.reason, message: err.message, index: reads.currentIndex() } };
          }
          return { kind: 'error', error: err };
        }
      }),
    );
  }

  /** Queues `ops` for the next group commit; resolves once they are committed (or rejected), in call order. */
  enqueue(ops: readonly CatalogOp[]): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits everything queued now, synchronously, then settles each write's
   * promise and publishes its change. Writes queued by a listener during the
   * publishing go to the next group.
   */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (err) {
      // Nothing of this batch was committed (better-sqlite3 rolled back the outer transaction).
      this.hooks.invalidate();
      for (const p of batch) p.reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.applies += batch.length;
    this.hooks.invalidate();
    // Settle every promise before publishing, so no caller is left hanging whatever a listener does;
    // their continuations run after this synchronous flush anyway.
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.kind === 'result') p.resolve(o.result);
      else p.reject(o.error);
    });
    for (const o of outcomes) if (o.kind === 'result' && o.ev) this.hooks.publish(o.ev);
  }

  /** Commits and applies so far. */
  commitStats(): CommitStats {
    return { ...this.stats };
  }
}
