import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@haco/common';
import type { EventStoreOptions } from '@haco/event-store';
import { EventStore, openDataSource, Projections } from '@haco/event-store';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { storeOptions } from '../config/database-settings';
import { DATA_SOURCE, EVENT_STORE, LOGGER, PROJECTIONS, STORE_OPTIONS } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import { CommitListener } from './commit-listener';
import { FleetView } from './fleet-view';
import { LogTail } from './log-tail';
import { RetentionService } from './retention.service';
import { SplitBrainWatch } from './split-brain-watch';

/** Closes the database last, once ingest and every request are done with it. */
@Injectable()
class StoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}

/** The event log (migrated at start), the projections read from it, and word of each commit. */
@Global()
@Module({
  providers: [
    {
      provide: STORE_OPTIONS,
      useFactory: (settings: CoordinatorSettings): EventStoreOptions => storeOptions(settings.database),
      inject: [SETTINGS],
    },
    {
      provide: DATA_SOURCE,
      useFactory: async (options: EventStoreOptions) => {
        if (options.type === 'postgres') return openDataSource(options);
        mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
        const dataSource = await openDataSource(options);
        // The audit log is the coordinator's alone to read: no other local user reads it.
        for (const file of [options.path, `${options.path}-wal`, `${options.path}-shm`])
          if (existsSync(file)) chmodSync(file, 0o600);
        return dataSource;
      },
      inject: [STORE_OPTIONS],
    },
    {
      provide: EVENT_STORE,
      useFactory: (ds: DataSource, settings: CoordinatorSettings) =>
        new EventStore(ds, settings.nats.maxSeqAhead),
      inject: [DATA_SOURCE, SETTINGS],
    },
    {
      provide: PROJECTIONS,
      useFactory: (store: EventStore, logger: Logger) =>
        new Projections(store, {
          checkpoints: true,
          onCheckpointError: (error) =>
            logger.warn('projection checkpoint not saved', { error: error.message }),
          onRefusedEvent: (stream, event) =>
            logger.warn('a stored event the state machine refuses is left out of the peer view', {
              stream,
              ...event,
            }),
        }),
      inject: [EVENT_STORE, LOGGER],
    },
    StoreShutdown,
    LogTail,
    CommitListener,
    FleetView,
    RetentionService,
    SplitBrainWatch,
  ],
  exports: [DATA_SOURCE, EVENT_STORE, PROJECTIONS, LogTail, FleetView, RetentionService, SplitBrainWatch],
})
export class StoreModule {}
