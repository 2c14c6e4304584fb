/**
 * Blocking queries, in one place for every read endpoint: `?index=N&wait=D`
 * parks the request until the result's index passes N or the wait runs out,
 * then answers with `X-Consul-Index` and the consistency headers Consul
 * clients expect. Waiting costs no polling: the request sleeps on the topics
 * its result depends on and re-runs only when one of them changes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setMaxListeners } from 'node:events';
import { tryParseDuration as parseDuration } from '../catalog/index.ts';
import { badRequest } from './errors.ts';

/** What a blocking read needs from the store (any backend). */
export interface BlockingSource {
  topicIndex(topics: Iterable<string>): number;
  waitForChange(topics: readonly string[], afterIndex: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
}

/** One run of a read: its answer and the topics the answer depends on. */
export interface QueryRun<T> {
  topics: readonly string[];
  body: T;
}

export const DEFAULT_WAIT_MS = 5 * 60_000;
export const MAX_WAIT_MS = 10 * 60_000;

/** The query-string properties every blocking endpoint accepts (for its JSON schema). */
export const blockingQueryProperties = {
  index: { type: 'string' },
  wait: { type: 'string' },
  stale: { type: 'string' },
  consistent: { type: 'string' },
  cached: { type: 'string' },
  dc: { type: 'string' },
  ns: { type: 'string' },
  partition: { type: 'string' },
} as const;

/** Parses `index` and `wait`; a malformed value is a 400 naming it. */
export function parseBlockingParams(query: { index?: string; wait?: string }): { minIndex: number; waitMs: number } {
  let minIndex = 0;
  if (query.index !== undefined && query.index !== '') {
    if (!/^\d+$/.test(query.index)) throw badRequest(`Invalid index: "${query.index}" is not a non-negative integer`);
    minIndex = Number(query.index);
  }
  let waitMs = DEFAULT_WAIT_MS;
  if (query.wait !== undefined && query.wait !== '') {
    const ms = parseDuration(query.wait);
    if (ms === undefined || ms < 0) throw badRequest(`Invalid wait time: "${query.wait}" is not a duration (e.g. "10s", "1m")`);
    waitMs = Math.min(ms, MAX_WAIT_MS);
  }
  return { minIndex, waitMs };
}

/** Sets the headers Consul puts on every consistent read. */
export function setConsistencyHeaders(reply: FastifyReply, index: number): void {
  reply.header('X-Consul-Index', String(Math.max(1, index)));
  reply.header('X-Consul-KnownLeader', 'true');
  reply.header('X-Consul-LastContact', '0');
}

/**
 * Runs `run` and answers with its body, blocking first when the request asks
 * for it. The jitter (up to wait/16, as Consul adds) spreads out the wake-ups
 * of many clients that started waiting together.
 */
export async function blockingQuery<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  source: BlockingSource,
  run: () => QueryRun<T>,
  opts: { shutdown?: AbortSignal; random?: () => number } = {},
): Promise<T> {
  const random = opts.random ?? Math.random;
  const { minIndex, waitMs } = parseBlockingParams(req.query as { index?: string; wait?: string });
  let result = run();
  let index = source.topicIndex(result.topics);
  if (minIndex > 0 && index <= minIndex) {
    const deadline = Date.now() + waitMs + Math.floor(random() * (waitMs / 16));
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    // The response closes early only when the client went away: stop waiting for it.
    reply.raw.once('close', onClose);
    // On shutdown, parked reads answer at once with what they have.
    if (opts.shutdown?.aborted) gone.abort();
    opts.shutdown?.addEventListener('abort', onClose, { once: true });
    try {
      while (index <= minIndex && !gone.signal.aborted) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        const changed = await source.waitForChange(result.topics, minIndex, remaining, gone.signal);
        if (!changed) break;
        result = run();
        index = source.topicIndex(result.topics);
      }
    } finally {
      reply.raw.off('close', onClose);
      opts.shutdown?.removeEventListener('abort', onClose);
    }
  }
  setConsistencyHeaders(reply, index);
  return result.body;
}

/** A blocking read bound to one store and to this app's lifetime. */
export type BlockingRead = <T>(req: FastifyRequest, reply: FastifyReply, run: () => QueryRun<T>) => Promise<T>;

/**
 * Binds blockingQuery to `source` and to the app: when the app closes, every
 * parked read answers at once, so close() is not held up by long polls.
 */
export function blockingReads(app: FastifyInstance, source: BlockingSource): BlockingRead {
  const shutdown = new AbortController();
  // Every parked read listens on this one signal; thousands is the expected case, not a leak.
  setMaxListeners(0, shutdown.signal);
  app.addHook('preClose', async () => shutdown.abort());
  return (req, reply, run) => blockingQuery(req, reply, source, run, { shutdown: shutdown.signal });
}
