import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql/dialect';

/** The append-only event log, the per-stream heads, events held back behind a gap, and dead letters. */
export class CreateEventLog1764000000000 implements MigrationInterface {
  name = 'CreateEventLog1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // PostgreSQL: positions are given by the writer under the log's write lock, in commit order (a
    // sequence's values can commit out of order, and a reader paging by position would skip one).
    const pg = dialectOf(q).kind === 'postgres';
    await q.query(`CREATE TABLE events (
      position ${pg ? 'BIGINT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
      id TEXT NOT NULL UNIQUE,
      stream TEXT NOT NULL,
      seq INTEGER NOT NULL,
      type TEXT NOT NULL,
      data TEXT NOT NULL,
      at TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      causation_id TEXT,
      correlation_id TEXT,
      UNIQUE (stream, seq))`);
    await q.query('CREATE INDEX events_type_at ON events (type, at)');
    await q.query(`CREATE TABLE stream_heads (
      stream TEXT PRIMARY KEY,
      last_seq INTEGER NOT NULL,
      updated_at TEXT NOT NULL)`);
    await q.query(`CREATE TABLE held_events (
      id TEXT PRIMARY KEY,
      stream TEXT NOT NULL,
      seq INTEGER NOT NULL,
      envelope TEXT NOT NULL,
      held_at TEXT NOT NULL,
      UNIQUE (stream, seq))`);
    await q.query(`CREATE TABLE dead_letters (
      id ${pg ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
      received_at TEXT NOT NULL,
      subject TEXT NOT NULL,
      reason TEXT NOT NULL,
      payload TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['dead_letters', 'held_events', 'stream_heads', 'events'])
      await q.query(`DROP TABLE ${table}`);
  }
}
