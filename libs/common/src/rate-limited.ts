import type { Logger } from './json-logger';

/**
 * Repeated identical warnings (and errors) are written once per `windowMs`: the first at once, the rest
 * counted and reported with the next one written, as `repeated: N` (a NATS outage must not flood the log
 * with one retry line every few hundred milliseconds).
 */
export function rateLimitedWarnings(logger: Logger, windowMs = 10_000, now: () => number = Date.now): Logger {
  const seen = new Map<string, { writtenAt: number; suppressed: number }>();
  const limited =
    (write: (message: string, fields?: Record<string, unknown>) => void, level: string) =>
    (message: string, fields?: Record<string, unknown>) => {
      const key = `${level} ${message}`;
      const entry = seen.get(key);
      const at = now();
      if (entry !== undefined && at - entry.writtenAt < windowMs) {
        entry.suppressed += 1;
        return;
      }
      const repeated = entry?.suppressed ?? 0;
      seen.set(key, { writtenAt: at, suppressed: 0 });
      write(message, repeated > 0 ? { ...fields, repeated } : fields);
    };
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.info(message, fields),
    warn: limited((m, f) => logger.warn(m, f), 'warn'),
    error: limited((m, f) => logger.error(m, f), 'error'),
    child: (fields) => rateLimitedWarnings(logger.child(fields), windowMs, now),
  };
}
