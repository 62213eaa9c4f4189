import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each peer's fold stood when it was last saved, so that a restarted coordinator folds only what was
 * stored since instead of every stream from its first event.
 */
export class ProjectionCheckpoints1764400000000 implements MigrationInterface {
  name = 'ProjectionCheckpoints1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projection_checkpoints (
      stream TEXT PRIMARY KEY,
      last_seq INTEGER NOT NULL,
      fold TEXT NOT NULL,
      saved_at TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_checkpoints');
  }
}
