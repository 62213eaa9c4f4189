import type { EventEnvelope } from '@haco/contracts';
import type { DeadLetter } from '../store-types';
import type { StoredTransition } from '../transitions';

export type AppendResult =
  | { readonly outcome: 'appended'; readonly position: number; readonly released: number }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'held'; readonly expectedSeq: number }
  | { readonly outcome: 'conflict'; readonly reason: string; readonly disputed?: { readonly seq: number } };

/**
 * A refused message as the dead letters keep it. A conflict (another event already holds its place or its
 * id) also names the stream and the place it disputes; `source` is where it came from when known.
 */
export type DeadLetterRow = Omit<DeadLetter, 'id' | 'resolvedAt'>;

/** One message for `ingest`: an envelope to append, or input refused before it got that far. */
export type IngestItem = (
  | { readonly subject: string; readonly envelope: EventEnvelope }
  | { readonly subject: string; readonly payload: string; readonly refusal: string }
) & {
  /** The publishing instance (its Haco-Source header: host, pid and run), kept with a refusal. */
  readonly source?: string | null;
};

export type IngestResult =
  AppendResult | { readonly outcome: 'dead-letter'; readonly reason: string; readonly disputed?: boolean };

/** An event of the coordinator's own stream, given its sequence number by the writer. */
export interface NextEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface NextEventMeta {
  readonly id: string;
  readonly at: string;
  readonly causationId?: string | null;
  readonly correlationId?: string | null;
}

/** What a stored id holds, to tell a redelivery from a reuse. */
export interface StoredIdentity {
  readonly stream: string;
  readonly seq: number;
  readonly type: string;
  readonly data: string;
  readonly at: string;
  readonly prev_hash: string | null;
}

/** A dead letter's values in column order (received_at … source). */
export function deadLetterValues(
  row: DeadLetterRow,
): [string, string, string, string, string | null, number | null, string | null] {
  return [
    row.receivedAt,
    row.subject,
    row.reason,
    row.payload.slice(0, 65_536),
    row.stream ?? null,
    row.disputedSeq ?? null,
    row.source ?? null,
  ];
}

/** A history row's values in the transitions table's column order (position … duration_ms). */
export function transitionValues(row: StoredTransition): unknown[] {
  return [
    row.position,
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
  ];
}

/**
 * A stream's head: its last seq and that event's hash (the next one links to it), where its current state
 * began, and how many history rows it has.
 */
export interface StreamHeadRow {
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly stateSince: string | null;
  readonly historyRows: number;
}

/**
 * One write transaction as the append rules see it, whatever the database: the reads they decide on and
 * the writes they make. On SQLite each call is a prepared statement; on PostgreSQL the reads come from
 * what was fetched for the batch up front and the writes are sent together at the end.
 */
export interface WriteSession {
  head(stream: string): StreamHeadRow | undefined;
  eventById(id: string): StoredIdentity | undefined;
  idAt(stream: string, seq: number): string | undefined;
  heldAt(stream: string, seq: number): { id: string; envelope: string } | undefined;
  /** Inserts an event with its data as stored text; its position, or null when its id is taken. */
  insertEvent(envelope: EventEnvelope, data: string, recordedAt: string): number | null;
  insertTransition(row: StoredTransition): void;
  hold(envelope: EventEnvelope, text: string, heldAt: string): void;
  release(stream: string, seq: number): void;
  deadLetter(row: DeadLetterRow): void;
  setHead(stream: string, head: StreamHeadRow, updatedAt: string): void;
}
