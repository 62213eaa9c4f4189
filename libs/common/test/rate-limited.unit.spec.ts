import type { Logger } from '../src';
import { rateLimitedWarnings } from '../src';

describe('repeated identical warnings are rate-limited with a count', () => {
  const recorder = () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const logger: Logger = {
      debug: (m, f) => lines.push(['debug', m, f]),
      info: (m, f) => lines.push(['info', m, f]),
      warn: (m, f) => lines.push(['warn', m, f]),
      error: (m, f) => lines.push(['error', m, f]),
      child: () => logger,
    };
    return { logger, lines };
  };

  it('writes the first, counts the rest of the window, and reports the count with the next', () => {
    const { logger, lines } = recorder();
    let now = 0;
    const log = rateLimitedWarnings(logger, 1_000, () => now);
    for (let i = 0; i < 5; i += 1) log.warn('event publish failed; will retry', { attempt: i });
    now = 1_500;
    log.warn('event publish failed; will retry', { attempt: 5 });
    expect(lines).toEqual([
      ['warn', 'event publish failed; will retry', { attempt: 0 }],
      ['warn', 'event publish failed; will retry', { attempt: 5, repeated: 4 }],
    ]);
  });

  it('never holds back info lines, nor a different warning', () => {
    const { logger, lines } = recorder();
    const log = rateLimitedWarnings(logger, 1_000, () => 0);
    log.info('a');
    log.info('a');
    log.warn('b');
    log.warn('c');
    expect(lines.map(([level, message]) => `${level} ${message}`)).toEqual([
      'info a',
      'info a',
      'warn b',
      'warn c',
    ]);
  });
});
