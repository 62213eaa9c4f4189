import 'reflect-metadata';
import { types } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

interface CommonOptions {
  /** Open without writing anything (replay, audits): no migrations, no pragmas that write. */
  readonly readOnly?: boolean;
  /** The migrations to apply; all of them unless a test wants an older schema. */
  readonly migrations?: readonly (new () => unknown)[];
}

export interface SqliteStoreOptions extends CommonOptions {
  readonly type?: 'sqlite';
  /** The SQLite file (created if missing). */
  readonly path: string;
  /** FULL by default: the SQLite commit is the source of truth for the audit log. */
  readonly synchronous?: SynchronousMode;
}

export interface PostgresTls {
  /** Verify the server's certificate (true unless told otherwise). */
  readonly rejectUnauthorized?: boolean;
  /** PEM texts: the CA to trust, and a client certificate and key. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface PostgresStoreOptions extends CommonOptions {
  readonly type: 'postgres';
  /** postgres://user:password@host:port/database; or the fields below. */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  readonly tls?: PostgresTls;
  /** Connections in the pool (reads are served from it; writes take one at a time). */
  readonly poolSize?: number;
}

export type EventStoreOptions = SqliteStoreOptions | PostgresStoreOptions;

/** The TLS of a PostgreSQL connection as the pg driver takes it: certificates verified unless told not. */
export function postgresSsl(tls: PostgresTls | undefined): false | PostgresTls {
  return tls === undefined ? false : { rejectUnauthorized: true, ...tls };
}

// Positions, counts and sums come back from PostgreSQL as BIGINT or NUMERIC text; the store's numbers
// stay far below 2^53, so they are read as numbers as SQLite gives them.
types.setTypeParser(types.builtins.INT8, Number);
types.setTypeParser(types.builtins.NUMERIC, Number);

/**
 * Opens the event store and applies every pending migration before anything reads or writes. SQLite: one
 * writer, WAL journal, the chosen `synchronous` level. PostgreSQL: a pool; writers on several coordinators
 * take turns through a lock (see PgEventWriter).
 */
export async function openDataSource(options: EventStoreOptions): Promise<DataSource> {
  const dataSource = options.type === 'postgres' ? postgresSource(options) : sqliteSource(options);
  await dataSource.initialize();
  if (options.readOnly) return dataSource;
  if (options.type === 'postgres') await migrateOneAtATime(dataSource);
  else await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** The advisory lock coordinators starting together on one new database take to migrate it in turn. */
const MIGRATION_LOCK = 0x6861636d;

/** Several coordinators may start at once on one PostgreSQL: the second waits, then finds nothing to do. */
async function migrateOneAtATime(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

function sqliteSource(options: SqliteStoreOptions): DataSource {
  return new DataSource({
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
}

function postgresSource(options: PostgresStoreOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    host: options.host,
    port: options.port,
    username: options.user,
    password: options.password,
    database: options.database,
    ssl: postgresSsl(options.tls),
    poolSize: options.poolSize ?? 10,
    migrations: [...(options.migrations ?? MIGRATIONS)] as (new () => never)[],
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // A read-only opening (replay, audits) is refused any write by the server itself.
    extra: options.readOnly ? { options: '-c default_transaction_read_only=on' } : {},
  });
}
