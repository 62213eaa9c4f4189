import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import type {
  ArchiveSegment,
  DeadLetter,
  Dispute,
  HeldBack,
  ReplaySnapshot,
  StoredEvent,
  StreamHead,
} from './store-types';
import type { CommandFilter, CommandSummary } from './command-log';
import { listCommands, operatorsOf } from './command-log';
import { SerialQueue } from '@haco/common';
import type { HistoryFilter, TransitionDbRow, TransitionRecord } from './transitions';
import { fromTransitionDbRow, historyWhere } from './transitions';
import type { AppendResult, IngestItem, IngestResult, NextEvent, NextEventMeta } from './write/write-session';
import type { StoreWriter } from './write/store-writer';
import { SqliteEventWriter } from './write/sqlite-event-writer';
import { PgEventWriter } from './write/pg-event-writer';
import type { SqlDialect } from './sql/dialect';
import { dialectOf } from './sql/dialect';
import { DEFAULT_MAX_AHEAD } from './write/append-rules';

export type { AppendResult, IngestItem, IngestResult } from './write/write-session';
export { COMMIT_CHANNEL } from './write/pg-event-writer';

/** A stored envelope: a peer's HA event or one of the coordinator's own (command) events. */
export type {
  ArchiveSegment,
  DeadLetter,
  HeldBack,
  ReplaySnapshot,
  StoredEvent,
  StreamHead,
} from './store-types';

type WhereClause = ReturnType<typeof historyWhere>;

/** A state filter read as rows to the state and rows from it to another, with the other conditions. */
interface StateSplit {
  readonly state: string;
  readonly and: string;
  readonly params: unknown[];
}

function stateSplit(filter: HistoryFilter, state: string, causes: readonly string[]): StateSplit {
  const rest = historyWhere({ ...filter, state: undefined }, causes);
  return {
    state,
    and: rest.where === '' ? '' : `AND ${rest.where.slice('WHERE '.length)}`,
    params: rest.params,
  };
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  seq: number;
  type: string;
  data: string;
  at: string;
  recorded_at: string;
  causation_id: string | null;
  correlation_id: string | null;
  prev_hash: string | null;
}

interface HeadSqlRow {
  stream: string;
  last_seq: number;
  last_hash: string | null;
}

const toHead = (row: HeadSqlRow): StreamHead => ({
  stream: row.stream,
  lastSeq: row.last_seq,
  lastHash: row.last_hash,
});

interface DeadLetterSqlRow {
  id: number;
  received_at: string;
  subject: string;
  reason: string;
  payload: string;
  stream: string | null;
  disputed_seq: number | string | null;
  source: string | null;
  resolved_at: string | null;
}

function toDeadLetter(r: DeadLetterSqlRow): DeadLetter {
  return {
    id: Number(r.id),
    receivedAt: r.received_at,
    subject: r.subject,
    reason: r.reason,
    payload: r.payload,
    stream: r.stream ?? null,
    disputedSeq: r.disputed_seq === null || r.disputed_seq === undefined ? null : Number(r.disputed_seq),
    source: r.source ?? null,
    resolvedAt: r.resolved_at ?? null,
  };
}

const toStored = (row: EventRow): StoredEvent => ({
  schema: 1,
  position: row.position,
  id: row.id,
  stream: row.stream,
  seq: row.seq,
  type: row.type,
  data: JSON.parse(row.data) as Record<string, unknown>,
  at: row.at,
  recordedAt: row.recorded_at,
  causationId: row.causation_id,
  correlationId: row.correlation_id,
  // Events stored before the chain began have no link (the envelope's hash is then of one without it).
  ...(row.prev_hash === null || row.prev_hash === undefined ? {} : { prevHash: row.prev_hash }),
});

/*
 * Longer than 250 lines because it is the store's one API, every read and write the apps make, each a few
 * lines over one statement; the write rules and the SQL that differs per driver live beside it.
 */
/**
 * The append-only event log on SQLite or PostgreSQL: reads through TypeORM, writes through the driver's
 * StoreWriter, one at a time in arrival order from this process. The writer also keeps the transition
 * history table in step with the events.
 */
export class EventStore {
  private readonly writes = new SerialQueue();
  private writerOfThisStore: StoreWriter | null = null;
  readonly dialect: SqlDialect;

  /**
   * `maxAhead`: how far past its stream's head an ingested event may be and still be held for the gap to
   * fill (HACO_MAX_SEQ_AHEAD); one further ahead is refused.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly maxAhead: number = DEFAULT_MAX_AHEAD,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  private streamStatement: Database.Statement | null = null;

  /** The SQLite driver's own connection (the one TypeORM reads through). */
  private get sqlite(): Database.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Database.Database })
      .databaseConnection;
  }

  /** No limit is -1 to SQLite and NULL to PostgreSQL, which refuses a negative one. */
  private limit(limit: number): number | null {
    return limit < 0 && this.dialect.kind === 'postgres' ? null : limit;
  }

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.dataSource.query(this.dialect.statement(sql), params) as Promise<T>;
  }

  append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult> {
    return this.writes.run(() => this.writer.append(envelope, recordedAt));
  }

  /**
   * Stores a batch of received messages in one transaction (see EventWriter.ingest). When it resolves, all
   * of it is committed; when it fails, none of it is, and the messages must be delivered again.
   */
  ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]> {
    return this.writes.run(() => this.writer.ingest(items, receivedAt));
  }

  /** Appends to a stream this process is the single writer of (see EventWriter.appendNext). */
  appendNext(stream: string, event: NextEvent, meta: NextEventMeta): Promise<number> {
    return this.writes.run(() => this.writer.appendNext(stream, event, meta));
  }

  /** Events copied from another log, each with its first recorded time, in one transaction. */
  copyIn(items: readonly { envelope: EventEnvelope; recordedAt: string }[]): Promise<number> {
    return this.writes.run(() => this.writer.copy(items));
  }

  /** The last `n` events of the log, newest first. */
  async lastEvents(n: number): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow[]>('SELECT * FROM events ORDER BY position DESC LIMIT ?', [n]);
    return rows.map(toStored);
  }

  /** The event stored under an id (none or one). */
  async byId(id: string): Promise<StoredEvent[]> {
    return (await this.query<EventRow[]>('SELECT * FROM events WHERE id = ?', [id])).map(toStored);
  }

  /** How many events the log holds up to and with a position. */
  async countUpTo(position: number): Promise<number> {
    return (
      await this.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM events WHERE position <= ?', [position])
    )[0].n;
  }

  /** The envelopes held back behind gaps, as they arrived. */
  async heldEnvelopes(): Promise<EventEnvelope[]> {
    const rows = await this.query<{ envelope: string }[]>(
      'SELECT envelope FROM held_events ORDER BY stream, seq',
    );
    return rows.map((row) => JSON.parse(row.envelope) as EventEnvelope);
  }

  /** SQLite: the connection under TypeORM, written on directly and synchronously. PostgreSQL: the pool. */
  private get writer(): StoreWriter {
    this.writerOfThisStore ??=
      this.dialect.kind === 'postgres'
        ? new PgEventWriter(this.dataSource, this.maxAhead)
        : new SqliteEventWriter(
            (this.dataSource.driver as unknown as { databaseConnection: Database.Database })
              .databaseConnection,
            this.maxAhead,
          );
    return this.writerOfThisStore;
  }

  /** Where a peer's fold stood when last saved, or null. */
  async checkpoint(stream: string): Promise<{ lastSeq: number; fold: string } | null> {
    const rows = await this.query<{ last_seq: number; fold: string }[]>(
      'SELECT last_seq, fold FROM projection_checkpoints WHERE stream = ?',
      [stream],
    );
    return rows.length === 0 ? null : { lastSeq: rows[0].last_seq, fold: rows[0].fold };
  }

  saveCheckpoint(stream: string, lastSeq: number, fold: string, savedAt: string): Promise<void> {
    return this.writes.run(() => this.writer.saveCheckpoint(stream, lastSeq, fold, savedAt));
  }

  /** The transition history matching a filter, oldest first, and how many match in all. */
  async history(filter: HistoryFilter): Promise<{ total: number; transitions: TransitionRecord[] }> {
    const causes =
      filter.cause === undefined
        ? []
        : (
            await this.query<{ cause: string }[]>(
              `SELECT cause FROM transition_causes WHERE ${this.dialect.contains('cause')}`,
              [filter.cause],
            )
          ).map((r) => r.cause);
    const whole = historyWhere(filter, causes);
    // PostgreSQL reads a state filter as two ordered index ranges: rows to the state, and rows from it to
    // another (an OR of the two reads every matching row from the table, for the page and for its count).
    const split =
      filter.state !== undefined && this.dialect.kind === 'postgres'
        ? stateSplit(filter, filter.state, causes)
        : null;
    const rows = await this.query<TransitionDbRow[]>(...this.historyPage(filter, whole, split));
    return {
      total: await this.historyTotal(filter, whole, split),
      transitions: rows.map(fromTransitionDbRow),
    };
  }

  /**
   * How many rows match: kept per stream with its head when only streams are asked for (the latest page,
   * one peer's history), counted otherwise.
   */
  private async historyTotal(
    filter: HistoryFilter,
    whole: WhereClause,
    split: StateSplit | null,
  ): Promise<number> {
    if (split !== null) {
      const [row] = await this.query<{ n: number }[]>(
        `SELECT (SELECT COUNT(*) FROM transitions WHERE to_state = ? ${split.and})
              + (SELECT COUNT(*) FROM transitions WHERE from_state = ? AND to_state != ? ${split.and}) AS n`,
        [split.state, ...split.params, split.state, split.state, ...split.params],
      );
      return row.n;
    }
    const { streams, ...others } = filter;
    const onlyStreams = (['state', 'sinceMs', 'untilMs', 'cause', 'commandId'] as const).every(
      (key) => others[key] === undefined,
    );
    if (!onlyStreams)
      return (
        await this.query<{ n: number }[]>(
          `SELECT COUNT(*) AS n FROM transitions ${whole.where}`,
          whole.params,
        )
      )[0].n;
    const inStreams =
      streams === undefined ? '' : `WHERE stream IN (${streams.map(() => '?').join(', ') || 'NULL'})`;
    const [row] = await this.query<{ n: number | null }[]>(
      `SELECT SUM(history_rows) AS n FROM stream_heads ${inStreams}`,
      [...(streams ?? [])],
    );
    return row.n ?? 0;
  }

  /**
   * The page's statement. A split state filter merges its two ordered index ranges, each cut at the page's
   * end: the planner would otherwise gather every row of the state and sort them all for one page.
   */
  private historyPage(
    filter: HistoryFilter,
    whole: WhereClause,
    split: StateSplit | null,
  ): [string, unknown[]] {
    const order = 'ORDER BY at_ms, seq, position';
    const page = [this.limit(filter.limit), filter.offset];
    if (split === null)
      return [
        `SELECT * FROM transitions ${whole.where} ${order} LIMIT ? OFFSET ?`,
        [...whole.params, ...page],
      ];
    const end = filter.limit < 0 ? null : filter.limit + filter.offset;
    return [
      `SELECT * FROM (
         (SELECT * FROM transitions WHERE to_state = ? ${split.and} ${order} LIMIT ?)
         UNION ALL
         (SELECT * FROM transitions WHERE from_state = ? AND to_state != ? ${split.and} ${order} LIMIT ?)
       ) page ${order} LIMIT ? OFFSET ?`,
      [split.state, ...split.params, end, split.state, split.state, ...split.params, end, ...page],
    ];
  }

  /** Every stored event caused by `causationId` (a command id), in log order. */
  async causedBy(causationId: string): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow[]>(
      'SELECT * FROM events WHERE causation_id = ? ORDER BY position',
      [causationId],
    );
    return rows.map(toStored);
  }

  /** Operator commands with their outcomes, filtered and paged (see command-log.ts). */
  commands(filter: CommandFilter): Promise<{ total: number; commands: CommandSummary[] }> {
    return listCommands(this.dataSource, filter);
  }

  /** Who sent these commands, and why. */
  operators(commandIds: readonly string[]): Promise<Map<string, { who: string; why: string }>> {
    return operatorsOf(this.dataSource, commandIds);
  }

  /** Events of `type` whose data field `field` equals `value` (e.g. a command's record by its id). */
  async findByData(type: string, field: string, value: string): Promise<StoredEvent[]> {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field)) throw new Error(`not a data field name: ${field}`);
    const rows = await this.query<EventRow[]>(
      `SELECT * FROM events WHERE type = ? AND ${this.dialect.json('data', field)} = ? ORDER BY position`,
      [type, value],
    );
    return rows.map(toStored);
  }

  async readStream(stream: string, fromSeq = 1, limit = -1): Promise<StoredEvent[]> {
    if (this.dialect.kind === 'sqlite') {
      // Replay and export read every row of a stream through here: on SQLite straight from the driver's
      // prepared statement, since TypeORM's query path cost as much as reading the rows (docs/benchmarks.md).
      this.streamStatement ??= this.sqlite.prepare(
        'SELECT * FROM events WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT ?',
      );
      return (this.streamStatement.all(stream, fromSeq, limit) as EventRow[]).map(toStored);
    }
    const rows = await this.query<EventRow[]>(
      'SELECT * FROM events WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT ?',
      [stream, fromSeq, this.limit(limit)],
    );
    return rows.map(toStored);
  }

  /** Events after a log position, in log order, optionally of one stream: what a live feed resumes from. */
  async readAfter(position: number, limit: number, stream?: string): Promise<StoredEvent[]> {
    const rows = (
      stream === undefined
        ? await this.query('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?', [
            position,
            limit,
          ])
        : await this.query(
            'SELECT * FROM events WHERE position > ? AND stream = ? ORDER BY position LIMIT ?',
            [position, stream, limit],
          )
    ) as EventRow[];
    return rows.map(toStored);
  }

  async streams(): Promise<StreamHead[]> {
    const rows = await this.query<HeadSqlRow[]>(
      'SELECT stream, last_seq, last_hash FROM stream_heads ORDER BY stream',
    );
    return rows.map(toHead);
  }

  /** One stream's head, or null for a stream the log has never seen. */
  async streamHead(stream: string): Promise<StreamHead | null> {
    const [row] = await this.query<HeadSqlRow[]>(
      'SELECT stream, last_seq, last_hash FROM stream_heads WHERE stream = ?',
      [stream],
    );
    return row === undefined ? null : toHead(row);
  }

  /** Streams with events waiting behind a gap: what is missing is `expectedSeq` up to the first held one. */
  async heldBack(): Promise<HeldBack[]> {
    const rows = (await this.query('SELECT stream, seq FROM held_events ORDER BY stream, seq')) as {
      stream: string;
      seq: number;
    }[];
    const byStream = new Map<string, number[]>();
    for (const row of rows) byStream.set(row.stream, [...(byStream.get(row.stream) ?? []), row.seq]);
    const heads = new Map((await this.streams()).map((h) => [h.stream, h.lastSeq]));
    return [...byStream].map(([stream, heldSeqs]) => ({
      stream,
      expectedSeq: (heads.get(stream) ?? 0) + 1,
      heldSeqs,
    }));
  }

  deadLetter(subject: string, reason: string, payload: string, receivedAt: string): Promise<void> {
    return this.writes.run(() => this.writer.deadLetter(subject, reason, payload, receivedAt));
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const rows = await this.query<DeadLetterSqlRow[]>('SELECT * FROM dead_letters ORDER BY id DESC LIMIT ?', [
      limit,
    ]);
    return rows.map(toDeadLetter);
  }

  /**
   * Open disputes: every refused event that claims a place another event holds, oldest first, each beside
   * the stored side (null when the place is still empty: the stored side is held behind a gap).
   */
  async disputes(stream?: string): Promise<Dispute[]> {
    const rows = await this.query<DeadLetterSqlRow[]>(
      `SELECT * FROM dead_letters WHERE disputed_seq IS NOT NULL AND resolved_at IS NULL
       ${stream === undefined ? '' : 'AND stream = ?'} ORDER BY id`,
      stream === undefined ? [] : [stream],
    );
    const disputes: Dispute[] = [];
    for (const row of rows) {
      const stored = await this.query<EventRow[]>('SELECT * FROM events WHERE stream = ? AND seq = ?', [
        row.stream,
        row.disputed_seq,
      ]);
      disputes.push({ refused: toDeadLetter(row), stored: stored.length === 0 ? null : toStored(stored[0]) });
    }
    return disputes;
  }

  /** Per stream, how many open disputes it has and the first place disputed. */
  async disputedStreams(): Promise<Map<string, { count: number; firstSeq: number }>> {
    const rows = await this.query<{ stream: string; n: number | string; first: number | string }[]>(
      `SELECT stream, COUNT(*) AS n, MIN(disputed_seq) AS first FROM dead_letters
       WHERE disputed_seq IS NOT NULL AND resolved_at IS NULL GROUP BY stream`,
    );
    return new Map(rows.map((r) => [r.stream, { count: Number(r.n), firstSeq: Number(r.first) }]));
  }

  /** An admin settled a stream's disputes (after looking at both sides): they stop marking it. */
  async resolveDisputes(stream: string, resolvedAt: string): Promise<void> {
    await this.writes.run(() =>
      this.query(
        'UPDATE dead_letters SET resolved_at = ? WHERE stream = ? AND disputed_seq IS NOT NULL AND resolved_at IS NULL',
        [resolvedAt, stream],
      ),
    );
  }

  /** Whether a write could be committed now (taken in turn with the appends). */
  writable(): Promise<boolean> {
    return this.writes.run(() => this.writer.writable());
  }

  /** How many events of each type one stream holds (an index range of that stream, not the log). */
  async countTypes(stream: string): Promise<Map<string, number>> {
    const rows = await this.query<{ type: string; n: number }[]>(
      'SELECT type, COUNT(*) AS n FROM events WHERE stream = ? GROUP BY type',
      [stream],
    );
    return new Map(rows.map((r) => [r.type, r.n]));
  }

  /** Every stream holds exactly its seqs 1..last_seq, so the heads add up to the log without scanning it. */
  /** The last position of the log (0 when it is empty): where a live reader from "now" starts. */
  async headPosition(): Promise<number> {
    const rows = await this.query<{ n: number | string | null }[]>('SELECT MAX(position) AS n FROM events');
    return Number(rows[0].n ?? 0);
  }

  /** History rows after `after` up to `upTo`, in log order, as plain tuples (a fingerprint hashes them). */
  async historyRowsAfter(after: number, upTo: number, limit: number): Promise<unknown[][]> {
    const rows = await this.query<Record<string, unknown>[]>(
      `SELECT position, stream, seq, at, from_state, to_state, cause, command_id FROM transitions
       WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`,
      [after, upTo, limit],
    );
    return rows.map((r) => [
      Number(r.position),
      r.stream,
      Number(r.seq),
      r.at,
      r.from_state,
      r.to_state,
      r.cause,
      r.command_id ?? null,
    ]);
  }

  /** A stream's events of one type recorded in [since, until] (ISO times), by the (type, at) index. */
  async eventsOfTypeBetween(
    stream: string,
    type: string,
    since: string,
    until: string,
  ): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow[]>(
      'SELECT * FROM events WHERE type = ? AND at >= ? AND at <= ? AND stream = ? ORDER BY at, seq',
      [type, since, until, stream],
    );
    return rows.map(toStored);
  }

  /** A stream's replay snapshots of `version`, newest first. */
  async snapshots(stream: string, version: number): Promise<ReplaySnapshot[]> {
    const rows = await this.query<{ seq: number; point: string; hash: string; saved_at: string }[]>(
      'SELECT seq, point, hash, saved_at FROM replay_snapshots WHERE stream = ? AND version = ? ORDER BY seq DESC',
      [stream, version],
    );
    return rows.map((r) => ({
      stream,
      seq: Number(r.seq),
      version,
      point: r.point,
      hash: r.hash,
      savedAt: r.saved_at,
    }));
  }

  saveSnapshot(snapshot: ReplaySnapshot): Promise<void> {
    return this.writes.run(() => this.writer.saveSnapshot(snapshot));
  }

  /** A stream's archive segments, in seq order. */
  async archiveSegments(stream: string): Promise<ArchiveSegment[]> {
    const rows = await this.query<
      {
        first_seq: number;
        last_seq: number;
        events: number;
        file: string;
        sha256: string;
        archived_at: string;
      }[]
    >('SELECT * FROM archive_segments WHERE stream = ? ORDER BY first_seq', [stream]);
    return rows.map((r) => ({
      stream,
      firstSeq: Number(r.first_seq),
      lastSeq: Number(r.last_seq),
      events: Number(r.events),
      file: r.file,
      sha256: r.sha256,
      archivedAt: r.archived_at,
    }));
  }

  /**
   * Up to `limit` events of a stream that may leave the log: at or before `maxSeq`, recorded before
   * `beforeAt`, of the `types` given, and in a decision made of those types only (a decision that also
   * moved the state, paused or answered a command stays whole in the log). In seq order.
   */
  async retirable(
    stream: string,
    maxSeq: number,
    beforeAt: string,
    types: readonly string[],
    limit: number,
  ): Promise<StoredEvent[]> {
    const list = types.map(() => '?').join(', ');
    const rows = await this.query<EventRow[]>(
      `SELECT * FROM events e WHERE e.stream = ? AND e.seq <= ? AND e.at < ? AND e.type IN (${list})
         AND e.causation_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM events o WHERE o.stream = e.stream AND o.causation_id = e.causation_id
                           AND o.type NOT IN (${list}))
       ORDER BY e.seq LIMIT ?`,
      [stream, maxSeq, beforeAt, ...types, ...types, limit],
    );
    return rows.map(toStored);
  }

  /** Records a segment and deletes its events, in one transaction taken in turn with the appends. */
  retire(segment: ArchiveSegment, positions: readonly number[]): Promise<void> {
    return this.writes.run(() => this.writer.retire(segment, positions));
  }

  /** Events a stream has recorded, archived ones included (each stream's seqs run 1..last_seq). */
  async countEvents(): Promise<number> {
    const rows = (await this.query('SELECT SUM(last_seq) AS n FROM stream_heads')) as {
      n: number | null;
    }[];
    return rows[0].n ?? 0;
  }
}
