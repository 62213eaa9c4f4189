import type { EventEnvelope } from '@haco/contracts';

/** What the store gives back: events as stored, stream heads, gaps held back and dead letters. */
export interface StoredEvent extends Omit<EventEnvelope, 'type' | 'data'> {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly position: number;
  readonly recordedAt: string;
}

export interface StreamHead {
  readonly stream: string;
  readonly lastSeq: number;
  /** The hash of its last event, which the next one must name (null: a log written before the chain). */
  readonly lastHash?: string | null;
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
  /** A conflict's stream and the place it disputes (null for other refusals). */
  readonly stream?: string | null;
  readonly disputedSeq?: number | null;
  /** Where the refused message came from (the publishing instance), when known. */
  readonly source?: string | null;
  readonly resolvedAt?: string | null;
}

/** Both sides of a disputed place: the refused event, and the one stored there (null while held). */
export interface Dispute {
  readonly refused: DeadLetter;
  readonly stored: StoredEvent | null;
}

/** A saved point of a stream's replay verification (docs/operations.md, retention). */
export interface ReplaySnapshot {
  readonly stream: string;
  readonly seq: number;
  /** SNAPSHOT_VERSION of the fold that saved it: another version's is not used. */
  readonly version: number;
  /** The verifier's VerifiedPoint, as JSON. */
  readonly point: string;
  /** The stream's running hash at `seq`. */
  readonly hash: string;
  readonly savedAt: string;
}

/** Events that left the log for a compressed JSON-lines file of the archive. */
export interface ArchiveSegment {
  readonly stream: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly events: number;
  /** The file, relative to the archive's directory. */
  readonly file: string;
  /** Of the file's bytes, checked whenever it is read. */
  readonly sha256: string;
  readonly archivedAt: string;
}
