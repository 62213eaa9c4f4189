/** One JSON line per log record on stderr, so that stdout stays free for whatever a caller pipes. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(base: Record<string, unknown>): Logger {
  const write = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, ...base, message, ...fields })}\n`,
    );
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
