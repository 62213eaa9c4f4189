import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@haco/event-store';

/**
 * The event log as TypeORM's CLI sees it (`npm run migration:show`, `npm run migration:run`). The
 * migrations themselves live with the store in libs/event-store/src/migrations; the coordinator runs them
 * at start, so the CLI is for looking and for running them ahead of a deployment.
 */
export default new DataSource({
  type: 'better-sqlite3',
  database: process.env.HACO_DB ?? 'data/coordinator/events.sqlite',
  migrations: [...MIGRATIONS],
});
