import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { SerialQueue } from '@haco/contracts';
import type { HistoryFilter, TransitionDbRow, TransitionRow } from './transitions';
import { fromTransitionDbRow, historyWhere, startsState, transitionRow } from './transitions';

/** A stream's head as one write transaction sees it; written back once, when the transaction ends. */
interface StreamCursor {
  lastSeq: number;
  stateSince: string | null;
  changed: boolean;
}

type Cursors = Map<string, StreamCursor>;

export type AppendResult =
  | { readonly outcome: 'appended'; readonly position: number; readonly released: number }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'held'; readonly expectedSeq: number }
  | { readonly outcome: 'conflict'; readonly reason: string };

/** One message for `ingest`: an envelope to append, or input refused before it got that far. */
export type IngestItem =
  | { readonly subject: string; readonly envelope: EventEnvelope }
  | { readonly subject: string; readonly payload: string; readonly refusal: string };

export type IngestResult = AppendResult | { readonly outcome: 'dead-letter'; readonly reason: string };

/** A stored envelope: a peer's HA event or one of the coordinator's own (command) events. */
export interface StoredEvent extends Omit<EventEnvelope, 'type' | 'data'> {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly position: number;
  readonly recordedAt: string;
}

export interface StreamHead {
  readonly stream: string;
  readonly lastSeq: number;
}

export interface HeldBack {
  readonly stream: string;
  readonly expectedSeq: number;
  readonly heldSeqs: readonly number[];
}

export interface DeadLetter {
  readonly id: number;
  readonly receivedAt: string;
  readonly subject: string;
  readonly reason: string;
  readonly payload: string;
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
});

/**
 * The append-only event log. Appends are idempotent (an id stored once), checked against each stream's
 * expected sequence, and never paper over a gap: an event ahead of its turn is held back until the missing
 * ones arrive. One writer: writes are applied one at a time, each batch in its own transaction, which also
 * keeps the transition history table in step with the events.
 */
export class EventStore {
  private readonly writes = new SerialQueue();

  constructor(private readonly dataSource: DataSource) {}

  append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult> {
    return this.writes.run(() =>
      this.inTransaction((cursors) => this.appendSync(envelope, recordedAt, cursors)),
    );
  }

  /**
   * Stores a batch of received messages in one transaction: envelopes appended (conflicts and refusals
   * go to the dead letters with their reason). When it resolves, all of it is committed; when it fails,
   * none of it is, and the messages must be delivered again.
   */
  ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]> {
    return this.writes.run(() =>
      this.inTransaction((cursors) =>
        items.map((item): IngestResult => {
          const result = 'refusal' in item ? null : this.appendSync(item.envelope, receivedAt, cursors);
          const reason =
            'refusal' in item ? item.refusal : result?.outcome === 'conflict' ? result.reason : null;
          if (reason === null) return result as AppendResult;
          const payload = 'refusal' in item ? item.payload : JSON.stringify(item.envelope);
          this.sql.deadLetter.run(receivedAt, item.subject, reason, payload.slice(0, 65_536));
          return { outcome: 'dead-letter', reason };
        }),
      ),
    );
  }

  /**
   * Appends to a stream this process is the single writer of (the coordinator's own), taking the next
   * sequence number inside the same transaction.
   */
  appendNext(
    stream: string,
    event: { type: string; data: Record<string, unknown> },
    meta: { id: string; at: string; causationId?: string | null; correlationId?: string | null },
  ): Promise<number> {
    return this.writes.run(() =>
      this.inTransaction((cursors) => {
        const seq = this.cursor(cursors, stream).lastSeq + 1;
        this.insert(
          {
            schema: 1,
            id: meta.id,
            stream,
            seq,
            type: event.type as EventEnvelope['type'],
            data: event.data as EventEnvelope['data'],
            at: meta.at,
            causationId: meta.causationId ?? null,
            correlationId: meta.correlationId ?? null,
          },
          meta.at,
          cursors,
        );
        return seq;
      }),
    );
  }

  /** One write transaction; the stream heads it moved are written back once, just before the commit. */
  private inTransaction<T>(work: (cursors: Cursors) => T): T {
    try {
      return this.db.transaction(() => {
        const cursors: Cursors = new Map();
        const result = work(cursors);
        const now = new Date().toISOString();
        for (const [stream, cursor] of cursors) {
          if (cursor.changed) this.sql.setHead.run(stream, cursor.lastSeq, now, cursor.stateSince);
        }
        return result;
      })();
    } catch (error) {
      // Rolled back: a cause recorded in it may not be stored after all.
      this.knownCauses.clear();
      throw error;
    }
  }

  /** Causes already in transition_causes: most transitions repeat one, and need not write it again. */
  private readonly knownCauses = new Set<string>();

  private cursor(cursors: Cursors, stream: string): StreamCursor {
    let cursor = cursors.get(stream);
    if (cursor === undefined) {
      const row = this.sql.head.get(stream) as { last_seq: number; state_since: string | null } | undefined;
      cursor = { lastSeq: row?.last_seq ?? 0, stateSince: row?.state_since ?? null, changed: false };
      cursors.set(stream, cursor);
    }
    return cursor;
  }

  /** The SQLite connection under TypeORM: the write path runs on it directly, synchronously, one writer. */
  private get db(): Database.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Database.Database })
      .databaseConnection;
  }

  private statements: ReturnType<EventStore['prepare']> | null = null;

  private get sql(): ReturnType<EventStore['prepare']> {
    this.statements ??= this.prepare();
    return this.statements;
  }

  private prepare() {
    const db = this.db;
    return {
      byId: db.prepare('SELECT stream, seq, type, data, at FROM events WHERE id = ?'),
      bySeq: db.prepare('SELECT id FROM events WHERE stream = ? AND seq = ?'),
      head: db.prepare('SELECT last_seq, state_since FROM stream_heads WHERE stream = ?'),
      heldAt: db.prepare('SELECT id, envelope FROM held_events WHERE stream = ? AND seq = ?'),
      hold: db.prepare('INSERT INTO held_events (id, stream, seq, envelope, held_at) VALUES (?, ?, ?, ?, ?)'),
      release: db.prepare('DELETE FROM held_events WHERE stream = ? AND seq = ?'),
      // A reused id is not an error here: it comes back as no change, and is then told apart.
      insert: db.prepare(
        `INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      setHead: db.prepare(
        `INSERT INTO stream_heads (stream, last_seq, updated_at, state_since) VALUES (?, ?, ?, ?)
         ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at,
           state_since = excluded.state_since`,
      ),
      cause: db.prepare('INSERT OR IGNORE INTO transition_causes (cause) VALUES (?)'),
      transition: db.prepare(
        `INSERT INTO transitions (position, stream, seq, at, at_ms, from_state, to_state, partner_state, cause,
           command_id, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deadLetter: db.prepare(
        'INSERT INTO dead_letters (received_at, subject, reason, payload) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  private appendSync(envelope: EventEnvelope, recordedAt: string, cursors: Cursors): AppendResult {
    const expectedSeq = this.cursor(cursors, envelope.stream).lastSeq + 1;
    if (envelope.seq === expectedSeq) {
      const position = this.insert(envelope, recordedAt, cursors);
      if (position === null) return this.knownId(envelope) ?? this.takenSeq(envelope);
      let released = 0;
      // The missing event arrived: append whatever was held right behind it, in order.
      for (let seq = envelope.seq + 1; ; seq += 1) {
        const held = this.sql.heldAt.get(envelope.stream, seq) as { envelope: string } | undefined;
        if (held === undefined) break;
        this.insert(JSON.parse(held.envelope) as EventEnvelope, recordedAt, cursors);
        this.sql.release.run(envelope.stream, seq);
        released += 1;
      }
      return { outcome: 'appended', position, released };
    }
    const known = this.knownId(envelope);
    if (known !== null) return known;
    if (envelope.seq < expectedSeq) return this.takenSeq(envelope);
    const held = this.sql.heldAt.get(envelope.stream, envelope.seq) as { id: string } | undefined;
    if (held !== undefined) {
      return held.id === envelope.id
        ? { outcome: 'duplicate' }
        : {
            outcome: 'conflict',
            reason: `${envelope.stream}#${envelope.seq} is already held with another id`,
          };
    }
    this.sql.hold.run(envelope.id, envelope.stream, envelope.seq, JSON.stringify(envelope), recordedAt);
    return { outcome: 'held', expectedSeq };
  }

  /**
   * A duplicate of what is stored under this id; a conflict when the id is stored elsewhere or the same
   * event comes back with other content (an old message replayed with changes); null for a new id.
   */
  private knownId(envelope: EventEnvelope): AppendResult | null {
    const known = this.sql.byId.get(envelope.id) as
      { stream: string; seq: number; type: string; data: string; at: string } | undefined;
    if (known === undefined) return null;
    if (known.stream === envelope.stream && known.seq === envelope.seq) {
      const same =
        known.type === envelope.type &&
        known.at === envelope.at &&
        known.data === JSON.stringify(envelope.data);
      return same
        ? { outcome: 'duplicate' }
        : { outcome: 'conflict', reason: `event id ${envelope.id} is already stored with other content` };
    }
    return {
      outcome: 'conflict',
      reason: `event id ${envelope.id} is already stored as ${known.stream}#${known.seq}`,
    };
  }

  private takenSeq(envelope: EventEnvelope): AppendResult {
    const taken = this.sql.bySeq.get(envelope.stream, envelope.seq) as { id: string } | undefined;
    return {
      outcome: 'conflict',
      reason: `${envelope.stream}#${envelope.seq} is already stored with another id (${taken?.id ?? '?'})`,
    };
  }

  /** Inserts the next event of its stream (and its history row); null when its id is already taken. */
  private insert(e: EventEnvelope, recordedAt: string, cursors: Cursors): number | null {
    const inserted = this.sql.insert.run(
      e.id,
      e.stream,
      e.seq,
      e.type,
      JSON.stringify(e.data),
      e.at,
      recordedAt,
      e.causationId,
      e.correlationId,
    );
    if (inserted.changes === 0) return null;
    const position = Number(inserted.lastInsertRowid);
    const cursor = this.cursor(cursors, e.stream);
    cursor.lastSeq = e.seq;
    cursor.changed = true;
    if (startsState(e)) {
      const row = transitionRow(e, position, cursor.stateSince);
      if (row !== null) {
        this.sql.transition.run(
          position,
          row.stream,
          row.seq,
          row.at,
          Date.parse(row.at),
          row.from,
          row.to,
          row.partnerState,
          row.cause,
          row.commandId,
          row.durationInPreviousMs,
        );
        if (!this.knownCauses.has(row.cause)) {
          this.sql.cause.run(row.cause);
          this.knownCauses.add(row.cause);
        }
      }
      cursor.stateSince = e.at;
    }
    return position;
  }

  /** The transition history matching a filter, oldest first, and how many match in all. */
  async history(filter: HistoryFilter): Promise<{ total: number; transitions: TransitionRow[] }> {
    const causes =
      filter.cause === undefined
        ? []
        : (
            (await this.dataSource.query('SELECT cause FROM transition_causes WHERE instr(cause, ?) > 0', [
              filter.cause,
            ])) as { cause: string }[]
          ).map((r) => r.cause);
    const { where, params } = historyWhere(filter, causes);
    const total = (
      (await this.dataSource.query(`SELECT COUNT(*) AS n FROM transitions ${where}`, params)) as {
        n: number;
      }[]
    )[0].n;
    const rows = (await this.dataSource.query(
      `SELECT * FROM transitions ${where} ORDER BY at_ms, seq, position LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    )) as TransitionDbRow[];
    return { total, transitions: rows.map(fromTransitionDbRow) };
  }

  /** Every stored event caused by `causationId` (a command id), in log order. */
  async causedBy(causationId: string): Promise<StoredEvent[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM events WHERE causation_id = ? ORDER BY position',
      [causationId],
    )) as EventRow[];
    return rows.map(toStored);
  }

  /** Events of `type` whose data field `field` equals `value` (e.g. a command's record by its id). */
  async findByData(type: string, field: string, value: string): Promise<StoredEvent[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM events WHERE type = ? AND json_extract(data, ?) = ? ORDER BY position',
      [type, `$.${field}`, value],
    )) as EventRow[];
    return rows.map(toStored);
  }

  async readStream(stream: string, fromSeq = 1, limit = -1): Promise<StoredEvent[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM events WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT ?',
      [stream, fromSeq, limit],
    )) as EventRow[];
    return rows.map(toStored);
  }

  /** Events after a log position, in log order, optionally of one stream: what a live feed resumes from. */
  async readAfter(position: number, limit: number, stream?: string): Promise<StoredEvent[]> {
    const rows = (
      stream === undefined
        ? await this.dataSource.query('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?', [
            position,
            limit,
          ])
        : await this.dataSource.query(
            'SELECT * FROM events WHERE position > ? AND stream = ? ORDER BY position LIMIT ?',
            [position, stream, limit],
          )
    ) as EventRow[];
    return rows.map(toStored);
  }

  async streams(): Promise<StreamHead[]> {
    const rows = (await this.dataSource.query(
      'SELECT stream, last_seq FROM stream_heads ORDER BY stream',
    )) as {
      stream: string;
      last_seq: number;
    }[];
    return rows.map((r) => ({ stream: r.stream, lastSeq: r.last_seq }));
  }

  /** Streams with events waiting behind a gap: what is missing is `expectedSeq` up to the first held one. */
  async heldBack(): Promise<HeldBack[]> {
    const rows = (await this.dataSource.query(
      'SELECT stream, seq FROM held_events ORDER BY stream, seq',
    )) as {
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
    return this.writes.run(() => {
      this.sql.deadLetter.run(receivedAt, subject, reason, payload.slice(0, 65_536));
    });
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const rows = (await this.dataSource.query('SELECT * FROM dead_letters ORDER BY id DESC LIMIT ?', [
      limit,
    ])) as {
      id: number;
      received_at: string;
      subject: string;
      reason: string;
      payload: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      subject: r.subject,
      reason: r.reason,
      payload: r.payload,
    }));
  }

  /** Whether a write could be committed now (taken in turn with the appends, rolled back at once). */
  writable(): Promise<boolean> {
    return this.writes.run(async () => {
      try {
        await this.dataSource.query('BEGIN IMMEDIATE');
        await this.dataSource.query('ROLLBACK');
        return true;
      } catch {
        return false;
      }
    });
  }

  /** Every stream holds exactly its seqs 1..last_seq, so the heads add up to the log without scanning it. */
  async countEvents(): Promise<number> {
    const rows = (await this.dataSource.query('SELECT SUM(last_seq) AS n FROM stream_heads')) as {
      n: number | null;
    }[];
    return rows[0].n ?? 0;
  }
}
