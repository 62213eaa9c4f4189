import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Looking up everything a command caused (its outcome, the transitions it forced) by causation id. */
export class IndexCausation1764100000000 implements MigrationInterface {
  name = 'IndexCausation1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX events_causation ON events (causation_id)');
    await q.query('CREATE INDEX events_stream_at ON events (stream, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_stream_at');
    await q.query('DROP INDEX events_causation');
  }
}
