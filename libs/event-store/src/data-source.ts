import 'reflect-metadata';
import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import type { SynchronousMode } from './writer-pragmas';
import { applyWriterPragmas } from './writer-pragmas';

export type { SynchronousMode } from './writer-pragmas';

export interface EventStoreOptions {
  /** The SQLite file (created if missing). */
  readonly path: string;
  /** FULL by default: the SQLite commit is the source of truth for the audit log. */
  readonly synchronous?: SynchronousMode;
  /** Open without writing anything (replay, audits): no migrations, no pragmas that write. */
  readonly readOnly?: boolean;
  /** The migrations to apply; all of them unless a test wants an older schema. */
  readonly migrations?: readonly (new () => unknown)[];
}

/**
 * Opens the event store: one writer, WAL journal, the chosen `synchronous` level, and every pending
 * migration applied before anything reads or writes.
 */
export async function openDataSource(options: EventStoreOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: options.path,
    migrations: [...(options.migrations ?? MIGRATIONS)] as (new () => never)[],
    migrationsRun: false,
    synchronize: false,
    logging: false,
    readonly: options.readOnly ?? false,
    fileMustExist: options.readOnly ?? false,
    prepareDatabase: (db: Database.Database) => {
      if (!options.readOnly) applyWriterPragmas(db, options.synchronous);
    },
  });
  await dataSource.initialize();
  if (!options.readOnly) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
