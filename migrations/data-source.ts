import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@haco/event-store';

/**
 * The event log as TypeORM's CLI sees it (`npm run migration:show`, `npm run migration:run`): the SQLite
 * file HACO_DB, or the PostgreSQL database HACO_DB_URL when HACO_DB_TYPE is postgres. The migrations
 * themselves live with the store in libs/event-store/src/migrations, written for both; the coordinator runs
 * them at start, so the CLI is for looking and for running them ahead of a deployment.
 */
export default process.env.HACO_DB_TYPE === 'postgres'
  ? new DataSource({ type: 'postgres', url: process.env.HACO_DB_URL, migrations: [...MIGRATIONS] })
  : new DataSource({
      type: 'better-sqlite3',
      database: process.env.HACO_DB ?? 'data/coordinator/events.sqlite',
      migrations: [...MIGRATIONS],
    });
