import type Database from 'better-sqlite3';
import type { EventEnvelope } from '@haco/contracts';
import { GENESIS_HASH } from '@haco/contracts';
import type { ArchiveSegment, ReplaySnapshot } from '../store-types';
import type { StoredTransition } from '../transitions';
import { AppendTransaction } from './append-rules';
import type { StoreWriter } from './store-writer';
import type {
  AppendResult,
  IngestItem,
  IngestResult,
  NextEvent,
  NextEventMeta,
  StoredIdentity,
  StreamHeadRow,
  WriteSession,
} from './write-session';
import type { DeadLetterRow } from './write-session';
import { deadLetterValues, transitionValues } from './write-session';

type Statements = ReturnType<typeof prepare>;

function prepare(db: Database.Database) {
  return {
    byId: db.prepare('SELECT stream, seq, type, data, at, prev_hash FROM events WHERE id = ?'),
    bySeq: db.prepare('SELECT id FROM events WHERE stream = ? AND seq = ?'),
    head: db.prepare(
      'SELECT last_seq, last_hash, state_since, history_rows FROM stream_heads WHERE stream = ?',
    ),
    heldAt: db.prepare('SELECT id, envelope FROM held_events WHERE stream = ? AND seq = ?'),
    hold: db.prepare('INSERT INTO held_events (id, stream, seq, envelope, held_at) VALUES (?, ?, ?, ?, ?)'),
    release: db.prepare('DELETE FROM held_events WHERE stream = ? AND seq = ?'),
    // A reused id is not an error here: it comes back as no change, and is then told apart.
    insert: db.prepare(
      `INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id,
         prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    setHead: db.prepare(
      `INSERT INTO stream_heads (stream, last_seq, last_hash, updated_at, state_since, history_rows)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash,
         updated_at = excluded.updated_at, state_since = excluded.state_since,
         history_rows = excluded.history_rows`,
    ),
    cause: db.prepare('INSERT OR IGNORE INTO transition_causes (cause) VALUES (?)'),
    transition: db.prepare(
      `INSERT INTO transitions (position, stream, seq, at, at_ms, from_state, to_state, partner_state, cause,
         command_id, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deadLetter: db.prepare(
      `INSERT INTO dead_letters (received_at, subject, reason, payload, stream, disputed_seq, source)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    checkpoint: db.prepare(
      `INSERT INTO projection_checkpoints (stream, last_seq, fold, saved_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, fold = excluded.fold,
         saved_at = excluded.saved_at WHERE excluded.last_seq > projection_checkpoints.last_seq`,
    ),
  };
}

/** Each read and write of the append rules is a prepared statement, run at once inside the transaction. */
class SqliteSession implements WriteSession {
  constructor(
    private readonly sql: Statements,
    private readonly knownCauses: Set<string>,
  ) {}

  head(stream: string) {
    const row = this.sql.head.get(stream) as
      | { last_seq: number; last_hash: string | null; state_since: string | null; history_rows: number }
      | undefined;
    if (row === undefined) return undefined;
    return {
      lastSeq: row.last_seq,
      lastHash: row.last_hash ?? GENESIS_HASH,
      stateSince: row.state_since,
      historyRows: row.history_rows,
    };
  }

  eventById(id: string) {
    return this.sql.byId.get(id) as StoredIdentity | undefined;
  }

  idAt(stream: string, seq: number) {
    return (this.sql.bySeq.get(stream, seq) as { id: string } | undefined)?.id;
  }

  heldAt(stream: string, seq: number) {
    return this.sql.heldAt.get(stream, seq) as { id: string; envelope: string } | undefined;
  }

  insertEvent(e: EventEnvelope, data: string, recordedAt: string): number | null {
    const inserted = this.sql.insert.run(
      e.id,
      e.stream,
      e.seq,
      e.type,
      data,
      e.at,
      recordedAt,
      e.causationId,
      e.correlationId,
      e.prevHash ?? null,
    );
    return inserted.changes === 0 ? null : Number(inserted.lastInsertRowid);
  }

  insertTransition(row: StoredTransition): void {
    this.sql.transition.run(...transitionValues(row));
    if (!this.knownCauses.has(row.cause)) {
      this.sql.cause.run(row.cause);
      this.knownCauses.add(row.cause);
    }
  }

  hold(e: EventEnvelope, text: string, heldAt: string): void {
    this.sql.hold.run(e.id, e.stream, e.seq, text, heldAt);
  }

  release(stream: string, seq: number): void {
    this.sql.release.run(stream, seq);
  }

  deadLetter(row: DeadLetterRow): void {
    this.sql.deadLetter.run(...deadLetterValues(row));
  }

  setHead(stream: string, head: StreamHeadRow, updatedAt: string): void {
    this.sql.setHead.run(stream, head.lastSeq, head.lastHash, updatedAt, head.stateSince, head.historyRows);
  }
}

/**
 * The write path on one SQLite connection, synchronous under its promise: one transaction per call.
 * Transactions take the write lock up front, so another process writing the same file (a CLI) is waited
 * for rather than met with SQLITE_BUSY.
 */
export class SqliteEventWriter implements StoreWriter {
  private statements: Statements | null = null;
  /** Causes already in transition_causes: most transitions repeat one, and need not write it again. */
  private readonly knownCauses = new Set<string>();

  constructor(
    private readonly db: Database.Database,
    private readonly maxAhead: number,
  ) {}

  async append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult> {
    return this.inTransaction((tx) => tx.append(envelope, recordedAt));
  }

  async ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]> {
    return this.inTransaction((tx) => tx.ingest(items, receivedAt));
  }

  async copy(items: readonly { envelope: EventEnvelope; recordedAt: string }[]): Promise<number> {
    return this.inTransaction((tx) => tx.copy(items));
  }

  async appendNext(stream: string, event: NextEvent, meta: NextEventMeta): Promise<number> {
    return this.inTransaction((tx) => tx.appendNext(stream, event, meta));
  }

  async deadLetter(subject: string, reason: string, payload: string, receivedAt: string): Promise<void> {
    this.inTransaction((tx) => tx.deadLetter({ subject, reason, payload, receivedAt }));
  }

  async saveCheckpoint(stream: string, lastSeq: number, fold: string, savedAt: string): Promise<void> {
    this.sql.checkpoint.run(stream, lastSeq, fold, savedAt);
  }

  async saveSnapshot(s: ReplaySnapshot): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO replay_snapshots (stream, seq, version, point, hash, saved_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream, seq) DO NOTHING`,
      )
      .run(s.stream, s.seq, s.version, s.point, s.hash, s.savedAt);
  }

  async retire(segment: ArchiveSegment, positions: readonly number[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM events WHERE position = ?');
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO archive_segments (stream, first_seq, last_seq, events, file, sha256, archived_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stream, first_seq) DO NOTHING`,
          )
          .run(
            segment.stream,
            segment.firstSeq,
            segment.lastSeq,
            segment.events,
            segment.file,
            segment.sha256,
            segment.archivedAt,
          );
        for (const position of positions) remove.run(position);
      })
      .immediate();
  }

  async writable(): Promise<boolean> {
    try {
      this.db.prepare('BEGIN IMMEDIATE').run();
      this.db.prepare('ROLLBACK').run();
      return true;
    } catch {
      return false;
    }
  }

  private get sql(): Statements {
    this.statements ??= prepare(this.db);
    return this.statements;
  }

  private inTransaction<T>(work: (tx: AppendTransaction) => T): T {
    try {
      // IMMEDIATE: a deferred transaction that read first could not upgrade to write past another
      // connection's commit (SQLITE_BUSY at once, no busy wait); this one waits for the lock instead.
      return this.db
        .transaction(() => {
          const tx = new AppendTransaction(new SqliteSession(this.sql, this.knownCauses), this.maxAhead);
          const result = work(tx);
          tx.finish(new Date().toISOString());
          return result;
        })
        .immediate();
    } catch (error) {
      // Rolled back: a cause recorded in it may not be stored after all.
      this.knownCauses.clear();
      throw error;
    }
  }
}
