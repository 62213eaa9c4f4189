import type { ArchiveSegment, ReplaySnapshot } from '../store-types';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { AppendTransaction } from './append-rules';
import type { BatchReach, IdLookup } from './pg-session';
import { PgSession } from './pg-session';
import type { StoreWriter } from './store-writer';
import type { AppendResult, IngestItem, IngestResult, NextEvent, NextEventMeta } from './write-session';

/** The one lock every write transaction on the log takes first (pg_advisory_xact_lock's key: "haco"). */
export const LOG_WRITE_LOCK = 0x6861636f;

/** The channel a commit is announced on, with its last position, to every coordinator listening. */
export const COMMIT_CHANNEL = 'haco_log_commits';

/**
 * The write path on PostgreSQL, for one coordinator or several on one database. Every write transaction
 * first takes one transaction-scoped advisory lock, so writers take turns: positions are given under the
 * lock (the highest stored + 1), so they commit in the order they were given, and a reader paging by
 * `position > last` can never pass an event that commits late. With the lock held, the stream heads, held
 * events and ids read for the batch cannot move under it. The lock ends with the transaction, also when a
 * coordinator dies mid-way (its session ends, its transaction is rolled back).
 */
export class PgEventWriter implements StoreWriter {
  /** Causes known to be in transition_causes (never deleted), so they are not sent again. */
  private readonly knownCauses = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxAhead: number,
  ) {}

  append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult> {
    return this.inTransaction(reachOf([envelope]), (tx) => tx.append(envelope, recordedAt));
  }

  ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]> {
    const envelopes = items.flatMap((item) => ('envelope' in item ? [item.envelope] : []));
    return this.inTransaction(reachOf(envelopes), (tx) => tx.ingest(items, receivedAt));
  }

  copy(items: readonly { envelope: EventEnvelope; recordedAt: string }[]): Promise<number> {
    return this.inTransaction(reachOf(items.map((item) => item.envelope)), (tx) => tx.copy(items));
  }

  appendNext(stream: string, event: NextEvent, meta: NextEventMeta): Promise<number> {
    return this.inTransaction({ streams: [stream], ids: [meta.id], places: [] }, (tx) =>
      tx.appendNext(stream, event, meta),
    );
  }

  async deadLetter(subject: string, reason: string, payload: string, receivedAt: string): Promise<void> {
    await this.inTransaction({ streams: [], ids: [], places: [] }, (tx) =>
      tx.deadLetter({ subject, reason, payload, receivedAt }),
    );
  }

  async saveCheckpoint(stream: string, lastSeq: number, fold: string, savedAt: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO projection_checkpoints (stream, last_seq, fold, saved_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, fold = excluded.fold,
         saved_at = excluded.saved_at WHERE excluded.last_seq > projection_checkpoints.last_seq`,
      [stream, lastSeq, fold, savedAt],
    );
  }

  async saveSnapshot(s: ReplaySnapshot): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO replay_snapshots (stream, seq, version, point, hash, saved_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (stream, seq) DO NOTHING`,
      [s.stream, s.seq, s.version, s.point, s.hash, s.savedAt],
    );
  }

  async retire(segment: ArchiveSegment, positions: readonly number[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO archive_segments (stream, first_seq, last_seq, events, file, sha256, archived_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (stream, first_seq) DO NOTHING`,
        [
          segment.stream,
          segment.firstSeq,
          segment.lastSeq,
          segment.events,
          segment.file,
          segment.sha256,
          segment.archivedAt,
        ],
      );
      await manager.query('DELETE FROM events WHERE position = ANY($1::bigint[])', [positions]);
    });
  }

  async writable(): Promise<boolean> {
    try {
      const rows = (await this.dataSource.query(
        "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS w",
      )) as { w: boolean }[];
      return rows[0].w;
    } catch {
      return false;
    }
  }

  /**
   * A batch is first run reading only the ids at or below their heads; an id of a new event stored
   * elsewhere is then refused by the unique index, and the batch runs again reading them all.
   */
  private async inTransaction<T>(reach: BatchReach, work: (tx: AppendTransaction) => T): Promise<T> {
    try {
      return await this.attempt(reach, work, 'below-heads');
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.attempt(reach, work, 'all');
    }
  }

  private async attempt<T>(
    reach: BatchReach,
    work: (tx: AppendTransaction) => T,
    lookup: IdLookup,
  ): Promise<T> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      // Begun and locked in one round trip (a simple query of two statements, no parameters).
      open = true;
      await runner.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOG_WRITE_LOCK})`);
      const session = await PgSession.open(runner, reach, this.knownCauses, lookup);
      const tx = new AppendTransaction(session, this.maxAhead);
      const result = work(tx);
      tx.finish(new Date().toISOString());
      await session.flush(runner, COMMIT_CHANNEL);
      await runner.query('COMMIT');
      open = false;
      for (const cause of session.newCauses) this.knownCauses.add(cause);
      return result;
    } catch (error) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/** What a batch of envelopes reaches: their streams, and each one's place. */
function reachOf(envelopes: readonly EventEnvelope[]): BatchReach {
  return { streams: envelopes.map((e) => e.stream), ids: [], places: envelopes };
}

/** PostgreSQL's unique_violation (23505), as TypeORM passes it on. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return (e.code ?? e.driverError?.code) === '23505';
}
