/** The coordinator's log: one JSON line per record on stderr. */
const write = (level: string, message: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, service: 'coordinator', message, ...fields })}\n`,
  );

export const coordinatorLogger = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
