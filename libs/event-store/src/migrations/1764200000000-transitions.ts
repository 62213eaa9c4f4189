import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql/dialect';

/**
 * The transition history as an indexed table kept in the same transaction as the events it comes from, so
 * that history queries stay fast on a log of millions of events. Existing logs are backfilled here.
 */
export class Transitions1764200000000 implements MigrationInterface {
  name = 'Transitions1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const pg = dialectOf(q).kind === 'postgres';
    // Milliseconds since 1970 outgrow PostgreSQL's 32-bit INTEGER; SQLite's INTEGER is 64-bit already.
    const big = pg ? 'BIGINT' : 'INTEGER';
    await q.query(`CREATE TABLE transitions (
      position ${big} PRIMARY KEY,
      stream TEXT NOT NULL,
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      at_ms ${big} NOT NULL,
      from_state TEXT NOT NULL,
      to_state TEXT NOT NULL,
      partner_state TEXT NOT NULL,
      cause TEXT NOT NULL,
      command_id TEXT,
      duration_ms ${big})`);
    await q.query('CREATE INDEX transitions_at ON transitions (at_ms, seq)');
    await q.query('CREATE INDEX transitions_stream_at ON transitions (stream, at_ms, seq)');
    await q.query('CREATE INDEX transitions_to_at ON transitions (to_state, at_ms, seq)');
    await q.query('CREATE INDEX transitions_from_at ON transitions (from_state, at_ms, seq)');
    await q.query('CREATE INDEX transitions_command ON transitions (command_id)');
    await q.query('CREATE INDEX transitions_cause_at ON transitions (cause, at_ms, seq)');
    // The few distinct causes, so that a search by part of a cause text becomes an indexed IN list.
    await q.query(`CREATE TABLE transition_causes (cause TEXT PRIMARY KEY)${pg ? '' : ' WITHOUT ROWID'}`);
    // Where the current state's duration starts: the last start or transition of the stream.
    await q.query('ALTER TABLE stream_heads ADD COLUMN state_since TEXT');
    if (pg) await backfillPostgres(q);
    else await backfillSqlite(q);
    await q.query('INSERT INTO transition_causes SELECT DISTINCT cause FROM transitions');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE stream_heads DROP COLUMN state_since');
    await q.query('DROP TABLE transition_causes');
    await q.query('DROP TABLE transitions');
  }
}

async function backfillSqlite(q: QueryRunner): Promise<void> {
  await q.query(`INSERT INTO transitions
      SELECT position, stream, seq, at, at_ms, from_state, to_state, partner_state, cause, command_id,
             CASE WHEN previous_at_ms IS NULL THEN NULL ELSE at_ms - previous_at_ms END
      FROM (
        SELECT position, stream, seq, type, at,
               CAST(ROUND((julianday(at) - 2440587.5) * 86400000) AS INTEGER) AS at_ms,
               json_extract(data, '$.from') AS from_state,
               json_extract(data, '$.to') AS to_state,
               json_extract(data, '$.partnerState') AS partner_state,
               CASE json_extract(data, '$.cause.kind')
                 WHEN 'rule' THEN 'rule:' || json_extract(data, '$.cause.trigger') || ':' || json_extract(data, '$.cause.rule')
                 ELSE 'command:' || json_extract(data, '$.cause.command') END AS cause,
               json_extract(data, '$.cause.commandId') AS command_id,
               LAG(CAST(ROUND((julianday(at) - 2440587.5) * 86400000) AS INTEGER))
                 OVER (PARTITION BY stream ORDER BY seq) AS previous_at_ms
        FROM events
        WHERE type = 'ServiceStarted'
           OR (type = 'StateTransitioned' AND json_extract(data, '$.from') != json_extract(data, '$.to')))
      WHERE type = 'StateTransitioned'`);
  await q.query(`UPDATE stream_heads SET state_since = (
      SELECT at FROM events e WHERE e.stream = stream_heads.stream
        AND (e.type = 'ServiceStarted'
          OR (e.type = 'StateTransitioned' AND json_extract(e.data, '$.from') != json_extract(e.data, '$.to')))
      ORDER BY e.seq DESC LIMIT 1)`);
}

/** The same backfill in PostgreSQL's SQL: JSON through jsonb, times through timestamptz. */
async function backfillPostgres(q: QueryRunner): Promise<void> {
  const ms = (column: string) => `CAST(ROUND(EXTRACT(EPOCH FROM ${column}::timestamptz) * 1000) AS BIGINT)`;
  await q.query(`INSERT INTO transitions
    SELECT position, stream, seq, at, at_ms, from_state, to_state, partner_state, cause, command_id,
           CASE WHEN previous_at_ms IS NULL THEN NULL ELSE at_ms - previous_at_ms END
    FROM (
      SELECT position, stream, seq, type, at, ${ms('at')} AS at_ms,
             d ->> 'from' AS from_state, d ->> 'to' AS to_state, d ->> 'partnerState' AS partner_state,
             CASE d #>> '{cause,kind}'
               WHEN 'rule' THEN 'rule:' || (d #>> '{cause,trigger}') || ':' || (d #>> '{cause,rule}')
               ELSE 'command:' || (d #>> '{cause,command}') END AS cause,
             d #>> '{cause,commandId}' AS command_id,
             LAG(${ms('at')}) OVER (PARTITION BY stream ORDER BY seq) AS previous_at_ms
      FROM (SELECT *, data::jsonb AS d FROM events) e
      WHERE type = 'ServiceStarted' OR (type = 'StateTransitioned' AND d ->> 'from' != d ->> 'to')) t
    WHERE type = 'StateTransitioned'`);
  await q.query(`UPDATE stream_heads SET state_since = (
    SELECT at FROM events e WHERE e.stream = stream_heads.stream
      AND (e.type = 'ServiceStarted'
        OR (e.type = 'StateTransitioned' AND e.data::jsonb ->> 'from' != e.data::jsonb ->> 'to'))
    ORDER BY e.seq DESC LIMIT 1)`);
}
