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

/** Our interface over a pino logger: fields first, as pino takes them. */
export function fromPino(logger: pino.Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => fromPino(logger.child(fields)),
  };
}

export function jsonLogger(base: Record<string, unknown>): Logger {
  return fromPino(pinoLogger(base));
}

/** Writes nothing: for tools that run haco's parts without wanting their logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
