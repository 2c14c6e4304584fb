/** The process logger: pino, one child logger per component. */
import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A root logger writing JSON lines to stderr (stdout stays clean for command output). */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { app: 'switchboard' } }, pino.destination(2));
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
