import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eventHash } from '@haco/contracts';
import { dialectOf } from '../sql/dialect';

interface LastEventRow {
  stream: string;
  id: string;
  seq: number;
  type: string;
  data: string;
  at: string;
  causation_id: string | null;
  correlation_id: string | null;
}

/**
 * Each stream becomes a hash chain (docs/audit.md): every event stores the hash of the one before it, and
 * each stream's head the hash of its last event, which the next one must name. Events stored before keep
 * no link (nothing vouched for them when they came); each head takes its last event's hash, so that the
 * chain goes on from where the log stands.
 */
export class HashChain1764900000000 implements MigrationInterface {
  name = 'HashChain1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE events ADD COLUMN prev_hash TEXT');
    await q.query('ALTER TABLE stream_heads ADD COLUMN last_hash TEXT');
    const lasts = (await q.query(
      `SELECT e.stream, e.id, e.seq, e.type, e.data, e.at, e.causation_id, e.correlation_id
         FROM events e JOIN stream_heads h ON h.stream = e.stream AND h.last_seq = e.seq`,
    )) as LastEventRow[];
    for (const last of lasts) {
      const hash = eventHash(
        {
          id: last.id,
          stream: last.stream,
          seq: Number(last.seq),
          type: last.type,
          data: {},
          at: last.at,
          causationId: last.causation_id,
          correlationId: last.correlation_id,
        },
        last.data,
      );
      await q.query(dialectOf(q).statement('UPDATE stream_heads SET last_hash = ? WHERE stream = ?'), [
        hash,
        last.stream,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE stream_heads DROP COLUMN last_hash');
    await q.query('ALTER TABLE events DROP COLUMN prev_hash');
  }
}
