import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { transitionRow } from '../transitions';
import { query } from '../sql/dialect';

const PAGE = 5_000;

interface Row {
  position: number;
  id: string;
  stream: string;
  seq: number;
  type: string;
  data: string;
  at: string;
}

/**
 * The history lists a run's start and each pause and continue beside the transitions (a clean stop, new
 * with this version, has no past rows to add). Rows for the events already in the log are added here, as
 * the writer adds them from now on.
 */
export class HistoryLifecycle1764300000000 implements MigrationInterface {
  name = 'HistoryLifecycle1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (let after = 0; ;) {
      const rows = await query<Row[]>(
        q,
        `SELECT position, id, stream, seq, type, data, at FROM events
         WHERE position > ? AND type IN ('ServiceStarted', 'StateMachinePaused', 'StateMachineContinued')
         ORDER BY position LIMIT ?`,
        [after, PAGE],
      );
      for (const row of rows) {
        const envelope = { ...row, schema: 1, data: JSON.parse(row.data) } as unknown as EventEnvelope;
        const history = transitionRow(envelope, row.position, null);
        if (history === null) continue;
        await query(
          q,
          `INSERT INTO transitions (position, stream, seq, at, at_ms, from_state, to_state, partner_state,
             cause, command_id, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`,
          [
            row.position,
            row.stream,
            row.seq,
            row.at,
            Date.parse(row.at),
            history.from,
            history.to,
            history.partnerState,
            history.cause,
            history.commandId,
          ],
        );
        await query(q, 'INSERT INTO transition_causes (cause) VALUES (?) ON CONFLICT DO NOTHING', [
          history.cause,
        ]);
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].position;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM transitions WHERE from_state = to_state');
  }
}
