import type Database from 'better-sqlite3';
import type { EventEnvelope } from '@haco/contracts';
import { startsState, transitionRow } from './transitions';

/*
 * Longer than 250 lines because the whole write path of one transaction (append, gaps, dead letters,
 * stream heads and transition rows) reads in one place, on prepared statements.
 */
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

/**
 * The event log's write path on one SQLite connection, synchronous: each call is one transaction, and the
 * stream heads and transition rows it moves are committed with its events. Appends are idempotent (an id
 * stored once), checked against each stream's expected sequence, and never paper over a gap: an event
 * ahead of its turn is held back until the missing ones arrive. Transactions take the write lock up front,
 * so another process writing the same file (a CLI) is waited for rather than met with SQLITE_BUSY.
 */
export class EventWriter {
  constructor(private readonly db: Database.Database) {}

  append(envelope: EventEnvelope, recordedAt: string): AppendResult {
    return this.inTransaction((cursors) => this.appendSync(envelope, recordedAt, cursors));
  }

  /**
   * Stores a batch of received messages in one transaction: envelopes appended (conflicts and refusals
   * go to the dead letters with their reason). When it returns, all of it is committed; when it throws,
   * none of it is, and the messages must be delivered again.
   */
  ingest(items: readonly IngestItem[], receivedAt: string): IngestResult[] {
    return this.inTransaction((cursors) =>
      items.map((item): IngestResult => {
        const result = 'refusal' in item ? null : this.appendSync(item.envelope, receivedAt, cursors);
        const reason =
          'refusal' in item ? item.refusal : result?.outcome === 'conflict' ? result.reason : null;
        if (reason === null) return result as AppendResult;
        const payload = 'refusal' in item ? item.payload : JSON.stringify(item.envelope);
        this.deadLetter(item.subject, reason, payload, receivedAt);
        return { outcome: 'dead-letter', reason };
      }),
    );
  }

  /**
   * Appends to a stream this connection's process is the single writer of (the coordinator's own),
   * taking the next sequence number inside the same transaction.
   */
  appendNext(
    stream: string,
    event: { type: string; data: Record<string, unknown> },
    meta: { id: string; at: string; causationId?: string | null; correlationId?: string | null },
  ): number {
    return this.inTransaction((cursors) => {
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
    });
  }

  deadLetter(subject: string, reason: string, payload: string, receivedAt: string): void {
    this.sql.deadLetter.run(receivedAt, subject, reason, payload.slice(0, 65_536));
  }

  /** One write transaction; the stream heads it moved are written back once, just before the commit. */
  private inTransaction<T>(work: (cursors: Cursors) => T): T {
    try {
      // IMMEDIATE: a deferred transaction that read first could not upgrade to write past another
      // connection's commit (SQLITE_BUSY at once, no busy wait); this one waits for the lock instead.
      return this.db
        .transaction(() => {
          const cursors: Cursors = new Map();
          const result = work(cursors);
          const now = new Date().toISOString();
          for (const [stream, cursor] of cursors) {
            if (cursor.changed) this.sql.setHead.run(stream, cursor.lastSeq, now, cursor.stateSince);
          }
          return result;
        })
        .immediate();
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

  private statements: ReturnType<EventWriter['prepare']> | null = null;

  private get sql(): ReturnType<EventWriter['prepare']> {
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
    if (startsState(e)) cursor.stateSince = e.at;
    return position;
  }
}
