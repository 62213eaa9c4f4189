import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replay snapshots (where a stream's verification stood, with the hash of every event up to there) and the
 * archive's manifest (which events left the log for which compressed file): docs/operations.md, retention.
 */
export class SnapshotsAndArchive1764800000000 implements MigrationInterface {
  name = 'SnapshotsAndArchive1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE replay_snapshots (
      stream TEXT NOT NULL,
      seq INTEGER NOT NULL,
      version INTEGER NOT NULL,
      point TEXT NOT NULL,
      hash TEXT NOT NULL,
      saved_at TEXT NOT NULL,
      PRIMARY KEY (stream, seq))`);
    await q.query(`CREATE TABLE archive_segments (
      stream TEXT NOT NULL,
      first_seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL,
      events INTEGER NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      archived_at TEXT NOT NULL,
      PRIMARY KEY (stream, first_seq))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE archive_segments');
    await q.query('DROP TABLE replay_snapshots');
  }
}
