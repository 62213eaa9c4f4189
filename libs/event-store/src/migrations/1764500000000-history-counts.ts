import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each stream's number of history rows, kept with its head by the writer: the history's total, unfiltered
 * or for some peers, is then a sum over the heads rather than a count of every row (a count of millions
 * is tens of milliseconds on PostgreSQL).
 */
export class HistoryCounts1764500000000 implements MigrationInterface {
  name = 'HistoryCounts1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE stream_heads ADD COLUMN history_rows INTEGER NOT NULL DEFAULT 0');
    await q.query(`UPDATE stream_heads SET history_rows =
      (SELECT COUNT(*) FROM transitions t WHERE t.stream = stream_heads.stream)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE stream_heads DROP COLUMN history_rows');
  }
}
