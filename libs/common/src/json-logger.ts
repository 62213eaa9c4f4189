import pino from 'pino';

/**
 * The one logger interface of every haco process: one JSON line per record (pino) on stderr, so that stdout
 * stays free for whatever a caller pipes. `child` adds fields to every line it writes (the stream, a
 * command id, a correlation id).
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/**
 * The level a logger and every child of it write at, changeable while the process runs (SIGHUP): pino's
 * children copy their parent's level when made, so the one threshold is kept here and shared instead.
 */
export class LogThreshold {
  private rank: number;

  constructor(level: string = levelFrom(process.env.HACO_LOG_LEVEL)) {
    this.rank = LEVELS.indexOf(levelFrom(level));
  }

  get level(): string {
    return LEVELS[this.rank];
  }

  set level(level: string) {
    this.rank = LEVELS.indexOf(levelFrom(level));
  }

  writes(level: 'debug' | 'info' | 'warn' | 'error'): boolean {
    return LEVELS.indexOf(level) >= this.rank;
  }
}

export function isLogLevel(value: unknown): value is string {
  return typeof value === 'string' && LEVELS.includes(value);
}

/** HACO_LOG_LEVEL: debug, info (the default), warn or error. */
const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

function levelFrom(value: string | undefined): string {
  return value !== undefined && LEVELS.includes(value) ? value : 'info';
}

export function pinoLogger(
  base: Record<string, unknown>,
  level = levelFrom(process.env.HACO_LOG_LEVEL),
): pino.Logger {
  return pino(
    {
      base,
      level,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** Our interface over a pino logger: fields first, as pino takes them; `threshold` filters when given. */
export function fromPino(logger: pino.Logger, threshold?: LogThreshold): Logger {
  const open = (level: 'debug' | 'info' | 'warn' | 'error') => threshold?.writes(level) ?? true;
  return {
    debug: (message, fields) => open('debug') && logger.debug(fields ?? {}, message),
    info: (message, fields) => open('info') && logger.info(fields ?? {}, message),
    warn: (message, fields) => open('warn') && logger.warn(fields ?? {}, message),
    error: (message, fields) => open('error') && logger.error(fields ?? {}, message),
    child: (fields) => fromPino(logger.child(fields), threshold),
  };
}

/** A JSON logger; with a threshold, pino writes everything and the threshold (changeable) decides. */
export function jsonLogger(base: Record<string, unknown>, threshold?: LogThreshold): Logger {
  return threshold === undefined
    ? fromPino(pinoLogger(base))
    : fromPino(pinoLogger(base, 'debug'), threshold);
}

/** Writes nothing: for tools that run haco's parts without wanting their logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
