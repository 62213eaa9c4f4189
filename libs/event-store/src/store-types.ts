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
