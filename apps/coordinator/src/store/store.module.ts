import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventStore, openDataSource, Projections } from '@haco/event-store';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { DATA_SOURCE, EVENT_STORE, PROJECTIONS, SETTINGS } from '../common/tokens';
import { LogTail } from './log-tail';

/** Closes the database last, once ingest and every request are done with it. */
@Injectable()
class StoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}

/** The event log (migrated at start) and the projections read from it. */
@Global()
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      useFactory: (settings: CoordinatorSettings) => {
        mkdirSync(dirname(settings.database.path), { recursive: true });
        return openDataSource({ path: settings.database.path, synchronous: settings.database.synchronous });
      },
      inject: [SETTINGS],
    },
    { provide: EVENT_STORE, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DATA_SOURCE] },
    {
      provide: PROJECTIONS,
      useFactory: (store: EventStore) => new Projections(store),
      inject: [EVENT_STORE],
    },
    StoreShutdown,
    LogTail,
  ],
  exports: [DATA_SOURCE, EVENT_STORE, PROJECTIONS, LogTail],
})
export class StoreModule {}
