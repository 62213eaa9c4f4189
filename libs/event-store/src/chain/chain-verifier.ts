import { eventHash, GENESIS_HASH } from '@haco/contracts';
import type { StoredEvent } from '../store-types';

/** Why a stream's chain breaks where it does. */
export type ChainProblem =
  /** An event does not name its predecessor's hash: one of the two was changed, or one put in between. */
  | 'link'
  /** Seq numbers skip: events were removed. */
  | 'missing'
  /** Seq numbers go back or repeat: events were moved. */
  | 'order'
  /** An event without a link after the chain began: one written around the append rules. */
  | 'unlinked'
  /** The stream's head (its last seq and hash, kept apart) does not meet its last event. */
  | 'head'
  /** An archive file is missing or not the one recorded: the events in it cannot be checked. */
  | 'archive';

/** The first link of a stream that does not hold: between `previous` (null: the stream's start) and `seq`. */
export interface BrokenLink {
  readonly problem: ChainProblem;
  readonly previous: number | null;
  readonly seq: number;
  readonly detail: string;
}

/** An archive segment whose events were not read: its seq range and how many of them it holds. */
export interface SkippedSegment {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly events: number;
}

/** What a stream's chain check found. */
export interface ChainReport {
  readonly stream: string;
  /** Where the check began: 1, or a later seq for an export of a stream's tail (its first link unchecked). */
  readonly firstSeq: number;
  /** Events checked, archived ones included. */
  readonly events: number;
  /** Events stored before the chain began (no link): counted, their hashes carried on, not vouched for. */
  readonly unlinkedBefore: number;
  readonly lastSeq: number;
  /** The hash of the last event checked: compare it with the peer's own (the next event it publishes links to it). */
  readonly lastHash: string;
  /** Archive segments taken on trust: their files were not read. */
  readonly skipped: readonly SkippedSegment[];
  readonly broken: BrokenLink | null;
}

/**
 * Recomputes one stream's hash chain from its events in the order they are read (seq order), and stops at
 * the first link that does not hold. `start` begins it part way (an export of a stream's tail, whose
 * predecessor the reader does not have).
 */
export class ChainVerifier {
  private expectedSeq: number;
  private lastHash: string;
  private linked = false;
  private events = 0;
  private unlinkedBefore = 0;
  private readonly skipped: SkippedSegment[] = [];
  private broken: BrokenLink | null = null;
  private readonly firstSeq: number;

  constructor(
    private readonly stream: string,
    start: { readonly seq: number; readonly hash: string } = { seq: 1, hash: GENESIS_HASH },
  ) {
    this.expectedSeq = start.seq;
    this.firstSeq = start.seq;
    this.lastHash = start.hash;
  }

  get done(): boolean {
    return this.broken !== null;
  }

  /**
   * Seqs `firstSeq`…`lastSeq` are in an archive segment that is not read: taken on trust, and the chain
   * goes on from the link the next event names. The segment is listed once in the report.
   */
  skip(firstSeq: number, lastSeq: number, segment: SkippedSegment): void {
    if (this.done || firstSeq !== this.expectedSeq) return;
    if (!this.skipped.some((s) => s.firstSeq === segment.firstSeq)) this.skipped.push(segment);
    this.expectedSeq = lastSeq + 1;
    this.lastHash = '';
  }

  /** Checks the next event; false once a link is broken (nothing after it is looked at). */
  push(event: StoredEvent): boolean {
    if (this.broken === null) this.check(event);
    return this.broken === null;
  }

  private check(event: StoredEvent): void {
    const previous = this.expectedSeq > 1 ? this.expectedSeq - 1 : null;
    if (event.seq > this.expectedSeq) {
      const gap = event.seq - this.expectedSeq;
      return this.fail(
        'missing',
        previous,
        event.seq,
        `#${this.expectedSeq}${gap > 1 ? `–#${event.seq - 1}` : ''} ${gap > 1 ? 'are' : 'is'} missing`,
      );
    }
    if (event.seq < this.expectedSeq)
      return this.fail('order', previous, event.seq, `#${event.seq} comes after #${this.expectedSeq - 1}`);
    if (event.prevHash === undefined) {
      if (this.linked)
        return this.fail('unlinked', previous, event.seq, `#${event.seq} has no link, after linked events`);
      this.unlinkedBefore += 1;
    } else {
      // After a skipped range the next link is taken as it is: the archive that would check it was not read.
      if (this.lastHash !== '' && event.prevHash !== this.lastHash)
        return this.fail(
          'link',
          previous,
          event.seq,
          previous === null
            ? `#${event.seq} does not begin the chain (its prevHash is not the genesis hash)`
            : `#${event.seq} names ${event.prevHash.slice(0, 12)}… as #${previous}'s hash, which is ${this.lastHash.slice(0, 12)}…: one of the two was changed, or an event put between them`,
        );
      this.linked = true;
    }
    this.lastHash = eventHash(event);
    this.expectedSeq = event.seq + 1;
    this.events += 1;
  }

  /** Ends the check against the stream's head as the store keeps it (null when there is none to meet). */
  finish(head: { readonly lastSeq: number; readonly lastHash: string | null } | null = null): ChainReport {
    const lastSeq = this.expectedSeq - 1;
    if (this.broken === null && head !== null) {
      if (head.lastSeq !== lastSeq)
        this.fail(
          'head',
          lastSeq,
          head.lastSeq,
          `the head says #${head.lastSeq} is last, the events end at #${lastSeq}`,
        );
      else if (head.lastHash !== null && head.lastHash !== this.lastHash && this.lastHash !== '')
        this.fail(
          'head',
          lastSeq - 1 > 0 ? lastSeq - 1 : null,
          lastSeq,
          `#${lastSeq} is not the event the head was given: it was changed`,
        );
    }
    return {
      stream: this.stream,
      firstSeq: this.firstSeq,
      events: this.events,
      unlinkedBefore: this.unlinkedBefore,
      lastSeq,
      lastHash: this.lastHash,
      skipped: this.skipped,
      broken: this.broken,
    };
  }

  /** The events from `seq` on could not be read from the archive. */
  archiveFailed(seq: number, detail: string): void {
    if (!this.done) this.fail('archive', seq > 1 ? seq - 1 : null, seq, detail);
  }

  /** The seq the next event must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  private fail(problem: ChainProblem, previous: number | null, seq: number, detail: string): void {
    this.broken = { problem, previous, seq, detail: `${this.stream}: ${detail}` };
  }
}
