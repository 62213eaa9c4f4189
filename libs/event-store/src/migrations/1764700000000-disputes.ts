import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disputed streams: a dead letter refused because another event already holds its place (or its id) is
 * one side of a dispute, kept beside the stored side; `disputed_seq` names the place, `source` where the
 * refused one came from (the publishing instance), `resolved_at` when an admin settled it.
 */
export class Disputes1764700000000 implements MigrationInterface {
  name = 'Disputes1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dead_letters ADD COLUMN stream TEXT NULL');
    await q.query('ALTER TABLE dead_letters ADD COLUMN disputed_seq BIGINT NULL');
    await q.query('ALTER TABLE dead_letters ADD COLUMN source TEXT NULL');
    await q.query('ALTER TABLE dead_letters ADD COLUMN resolved_at TEXT NULL');
    await q.query(
      'CREATE INDEX dead_letters_open_disputes ON dead_letters (stream, disputed_seq) WHERE disputed_seq IS NOT NULL AND resolved_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX dead_letters_open_disputes');
    for (const column of ['resolved_at', 'source', 'disputed_seq', 'stream'])
      await q.query(`ALTER TABLE dead_letters DROP COLUMN ${column}`);
  }
}
