import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counting the history rows of one state without reading them: rows to the state are counted on the
 * (to_state, at_ms, seq) index, rows from it to another on this one, both index-only on PostgreSQL.
 */
export class TransitionsFromTo1764600000000 implements MigrationInterface {
  name = 'TransitionsFromTo1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX transitions_from_to_at ON transitions (from_state, to_state, at_ms)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX transitions_from_to_at');
  }
}
