/** The IPC messages between the benchmark and the server child process. */
import type { CatalogOp } from '../../catalog/index.ts';

/** How the child starts its server. */
export interface ServerProcessOptions {
  coalesceMs?: number;
  defaultIntentionPolicy?: 'allow' | 'deny';
  inMemory?: boolean;
  logLevel?: string;
  /** After each requested GC, write a V8 heap snapshot into this folder (`heap-<n>.heapsnapshot`). */
  heapSnapshotDir?: string;
}

/** Parent → child. */
export type ChildRequest =
  | { kind: 'apply'; id: number; batches: CatalogOp[][] }
  | { kind: 'stats'; id: number }
  | { kind: 'gc'; id: number }
  | { kind: 'stop'; id: number };

/** What the server says about itself. */
export interface ChildStats {
  engine: { proxies: number; builds: number; pending: number };
  cache: { encodings: number; nodes: number; watches: number };
  memory: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
  streams: number;
}

/** Child → parent. */
export type ChildReply =
  | { kind: 'ready'; id: 0; grpcAddress: string; httpAddress: string }
  | { kind: 'applied'; id: number; index: number }
  | { kind: 'failed'; id: number; message: string }
  | ({ kind: 'stats'; id: number } & ChildStats)
  | { kind: 'done'; id: number; heapSnapshot?: string };
