import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

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
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      if (options.readOnly) return;
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  });
  await dataSource.initialize();
  if (!options.readOnly) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
