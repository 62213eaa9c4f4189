import type { EventEnvelope } from '@haco/contracts';
import type { ArchiveSegment, ReplaySnapshot } from '../store-types';
import type { AppendResult, IngestItem, IngestResult, NextEvent, NextEventMeta } from './write-session';

/**
 * The event log's write path on one database: each call is one transaction. When a call resolves, all of
 * it is committed; when it fails, none of it is.
 */
export interface StoreWriter {
  append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult>;
  /** A batch of received messages in one transaction; when it fails they must be delivered again. */
  ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]>;
  /** Events copied from another log in one transaction (see AppendTransaction.copy). */
  copy(items: readonly { envelope: EventEnvelope; recordedAt: string }[]): Promise<number>;
  /** The next event of a coordinators' own stream, numbered inside the transaction. */
  appendNext(stream: string, event: NextEvent, meta: NextEventMeta): Promise<number>;
  deadLetter(subject: string, reason: string, payload: string, receivedAt: string): Promise<void>;
  /** Saves where a peer's fold stands (a newer checkpoint is never overwritten by an older one). */
  saveCheckpoint(stream: string, lastSeq: number, fold: string, savedAt: string): Promise<void>;
  /** Saves a replay snapshot (one already saved at that place stays). */
  saveSnapshot(snapshot: ReplaySnapshot): Promise<void>;
  /**
   * Records an archive segment and deletes its events from the log, in one transaction: an event is in
   * the log or in a recorded segment, never neither (its file is written and synced before this).
   */
  retire(segment: ArchiveSegment, positions: readonly number[]): Promise<void>;
  /** Whether a write could be committed now. */
  writable(): Promise<boolean>;
}
