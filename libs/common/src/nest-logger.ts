import type { LoggerService } from '@nestjs/common';
import type { Logger } from './json-logger';

/**
 * Nest's own messages go to the process's one JSON log, so that every line of a process has the same
 * shape. Its 'log' level is the framework's start-up chatter and its transports' routine NATS status lines
 * (ping, reconnect): debug for an operator. Verbose is dropped.
 */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  /** Nest's routine lines ("Nest application successfully started", NATS status): debug for an operator. */
  log(message: unknown, context?: unknown): void {
    this.logger.debug(text(message), fields(context));
  }

  warn(message: unknown, context?: unknown): void {
    this.logger.warn(text(message), fields(context));
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error(text(message), fields(rest[rest.length - 1]));
  }

  debug(message: unknown, context?: unknown): void {
    this.logger.debug(text(message), fields(context));
  }

  verbose(): void {}
}

const text = (message: unknown): string =>
  message instanceof Error
    ? message.message
    : typeof message === 'string'
      ? message
      : JSON.stringify(message);

const fields = (context: unknown): Record<string, unknown> =>
  typeof context === 'string' ? { context } : {};
