import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { EventStoreOptions } from '@haco/event-store';
import { PgCommitListener } from '@haco/event-store';
import { LOGGER, STORE_OPTIONS } from '../common/tokens';
import { LogTail } from './log-tail';

/**
 * On PostgreSQL, other coordinators commit to the same log: their commits, heard through LISTEN, wake this
 * one's live readers as its own do. On SQLite this process is the only writer, and there is nothing to hear.
 */
@Injectable()
export class CommitListener implements OnModuleInit, OnModuleDestroy {
  private listener: PgCommitListener | null = null;

  constructor(
    @Inject(STORE_OPTIONS) private readonly options: EventStoreOptions,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.type !== 'postgres') return;
    this.listener = new PgCommitListener(
      this.options,
      () => this.tail.committed(),
      (error) => this.logger.warn('commit listener: connection lost, reconnecting', { error: error.message }),
    );
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }
}
