import type { EventEnvelope } from '@haco/contracts';
import { eventHash, eventSubject, GENESIS_HASH } from '@haco/contracts';
import { startsState, transitionRow } from '../transitions';
import type {
  AppendResult,
  DeadLetterRow,
  IngestItem,
  IngestResult,
  NextEvent,
  NextEventMeta,
  WriteSession,
} from './write-session';

/** How far ahead of its head an event is held by default (a generous bound: a burst in flight is smaller). */
export const DEFAULT_MAX_AHEAD = 100_000;

/** A stream's head as one write transaction sees it; written back once, when the transaction ends. */
interface StreamCursor {
  lastSeq: number;
  lastHash: string;
  stateSince: string | null;
  historyRows: number;
  changed: boolean;
}

/*
 * Longer than 250 lines because the append rules are one set of rules over one transaction's cursors
 * (sequence, hash chain, holds, conflicts): split apart, each part would reach into the others' state.
 */
/**
 * The event log's append rules for one write transaction, the same on every database: appends are
 * idempotent (an id stored once), checked against each stream's expected sequence, and never paper over a
 * gap: an event ahead of its turn is held back until the missing ones arrive. The stream heads and history
 * rows it moves are written in the same transaction.
 */
export class AppendTransaction {
  private readonly cursors = new Map<string, StreamCursor>();

  /**
   * `maxAhead`: how far past its stream's head an event may be and still be held for the gap to fill;
   * one further ahead is refused (a forged far-future seq would otherwise wait to take a place).
   */
  constructor(
    private readonly session: WriteSession,
    private readonly maxAhead: number = DEFAULT_MAX_AHEAD,
  ) {}

  append(envelope: EventEnvelope, recordedAt: string): AppendResult {
    const expectedSeq = this.cursor(envelope.stream).lastSeq + 1;
    if (envelope.seq === expectedSeq) {
      const broken = this.brokenLink(envelope);
      if (broken !== null) return this.knownId(envelope) ?? broken;
      const position = this.insert(envelope, recordedAt);
      if (position === null) return this.knownId(envelope) ?? this.takenSeq(envelope);
      return { outcome: 'appended', position, released: this.releaseHeld(envelope.stream, recordedAt) };
    }
    const known = this.knownId(envelope);
    if (known !== null) return known;
    if (envelope.seq < expectedSeq) return this.takenSeq(envelope);
    const held = this.session.heldAt(envelope.stream, envelope.seq);
    if (held !== undefined) {
      return held.id === envelope.id
        ? { outcome: 'duplicate' }
        : {
            outcome: 'conflict',
            reason: `${envelope.stream}#${envelope.seq} is already held with another id`,
            disputed: { seq: envelope.seq },
          };
    }
    if (envelope.seq - expectedSeq >= this.maxAhead) {
      return {
        outcome: 'conflict',
        reason: `${envelope.stream}#${envelope.seq} is ${envelope.seq - expectedSeq + 1} past the stream's head (at most ${this.maxAhead} are held)`,
      };
    }
    this.session.hold(envelope, JSON.stringify(envelope), recordedAt);
    return { outcome: 'held', expectedSeq };
  }

  /**
   * A batch of received messages: conflicts and refusals go to the dead letters with their reason. A
   * conflict over a place (another event already stored or held there) disputes the stream: the refused
   * side is kept with the place it claims and where it came from, beside the stored side.
   */
  ingest(items: readonly IngestItem[], receivedAt: string): IngestResult[] {
    return items.map((item): IngestResult => {
      const result = 'refusal' in item ? null : this.append(item.envelope, receivedAt);
      const reason = 'refusal' in item ? item.refusal : result?.outcome === 'conflict' ? result.reason : null;
      if (reason === null) return result as AppendResult;
      const payload = 'refusal' in item ? item.payload : JSON.stringify(item.envelope);
      const disputed = result?.outcome === 'conflict' && !('refusal' in item) ? result.disputed : undefined;
      this.session.deadLetter({
        receivedAt,
        subject: item.subject,
        reason,
        payload,
        stream: 'refusal' in item ? null : item.envelope.stream,
        disputedSeq: disputed?.seq ?? null,
        source: item.source ?? null,
      });
      return { outcome: 'dead-letter', reason, ...(disputed === undefined ? {} : { disputed: true }) };
    });
  }

  /**
   * Events copied from another log, each with the time it was first recorded. Every one must take its
   * place (or be there already): a copy that would hold one back or refuse one is not a copy.
   */
  copy(items: readonly { envelope: EventEnvelope; recordedAt: string }[]): number {
    for (const { envelope, recordedAt } of items) {
      const result = this.append(envelope, recordedAt);
      if (result.outcome === 'held' || result.outcome === 'conflict')
        throw new Error(
          `cannot copy ${envelope.stream}#${envelope.seq}: ${result.outcome === 'held' ? `stream is at ${result.expectedSeq - 1}` : result.reason}`,
        );
    }
    return items.length;
  }

  /** The next event of a stream the coordinators write themselves, numbered inside this transaction. */
  appendNext(stream: string, event: NextEvent, meta: NextEventMeta): number {
    const cursor = this.cursor(stream);
    const seq = cursor.lastSeq + 1;
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
        prevHash: cursor.lastHash,
      },
      meta.at,
    );
    return seq;
  }

  deadLetter(row: DeadLetterRow): void {
    this.session.deadLetter(row);
  }

  /** Writes back the stream heads this transaction moved: the last thing before the commit. */
  finish(now: string): void {
    for (const [stream, cursor] of this.cursors) {
      if (cursor.changed) this.session.setHead(stream, cursor, now);
    }
  }

  private cursor(stream: string): StreamCursor {
    let cursor = this.cursors.get(stream);
    if (cursor === undefined) {
      const head = this.session.head(stream);
      cursor = {
        lastSeq: head?.lastSeq ?? 0,
        lastHash: head?.lastHash ?? GENESIS_HASH,
        stateSince: head?.stateSince ?? null,
        historyRows: head?.historyRows ?? 0,
        changed: false,
      };
      this.cursors.set(stream, cursor);
    }
    return cursor;
  }

  /**
   * The missing event arrived: appends whatever was held right behind it, in order, up to the first that
   * does not link to the one before it (refused, as a forgery or another instance's event would be).
   */
  private releaseHeld(stream: string, recordedAt: string): number {
    let released = 0;
    for (let seq = this.cursor(stream).lastSeq + 1; ; seq += 1) {
      const held = this.session.heldAt(stream, seq);
      if (held === undefined) break;
      const envelope = JSON.parse(held.envelope) as EventEnvelope;
      this.session.release(stream, seq);
      const broken = this.brokenLink(envelope);
      if (broken !== null) {
        this.session.deadLetter({
          receivedAt: recordedAt,
          subject: heldSubject(stream),
          reason: broken.reason,
          payload: held.envelope,
          stream,
          disputedSeq: seq,
          source: null,
        });
        break;
      }
      this.insert(envelope, recordedAt);
      released += 1;
    }
    return released;
  }

  /**
   * A conflict when the event does not name the hash of the stream's last event as its predecessor: it
   * was not made after that event (a forgery, an edited copy, or another history of the stream). An event
   * without a link comes only from a copy of events stored before the chain began.
   */
  private brokenLink(envelope: EventEnvelope): (AppendResult & { outcome: 'conflict' }) | null {
    const expected = this.cursor(envelope.stream).lastHash;
    if (envelope.prevHash === undefined || envelope.prevHash === expected) return null;
    return {
      outcome: 'conflict',
      reason: `${envelope.stream}#${envelope.seq} does not follow #${envelope.seq - 1} in the hash chain (its prevHash ${envelope.prevHash.slice(0, 12)}…, the stored event's hash ${expected.slice(0, 12)}…)`,
      disputed: { seq: envelope.seq },
    };
  }

  /**
   * A duplicate of what is stored under this id; a conflict when the id is stored elsewhere or the same
   * event comes back with other content (an old message replayed with changes); null for a new id.
   */
  private knownId(envelope: EventEnvelope): AppendResult | null {
    const known = this.session.eventById(envelope.id);
    if (known === undefined) return null;
    if (known.stream === envelope.stream && known.seq === envelope.seq) {
      const same =
        known.type === envelope.type &&
        known.at === envelope.at &&
        known.data === JSON.stringify(envelope.data) &&
        (known.prev_hash ?? undefined) === envelope.prevHash;
      return same
        ? { outcome: 'duplicate' }
        : {
            outcome: 'conflict',
            reason: `event id ${envelope.id} is already stored with other content`,
            disputed: { seq: envelope.seq },
          };
    }
    return {
      outcome: 'conflict',
      reason: `event id ${envelope.id} is already stored as ${known.stream}#${known.seq}`,
      disputed: { seq: envelope.seq },
    };
  }

  private takenSeq(envelope: EventEnvelope): AppendResult {
    const taken = this.session.idAt(envelope.stream, envelope.seq);
    return {
      outcome: 'conflict',
      reason: `${envelope.stream}#${envelope.seq} is already stored with another id (${taken ?? '?'})`,
      disputed: { seq: envelope.seq },
    };
  }

  /** Inserts the next event of its stream (and its history row); null when its id is already taken. */
  private insert(envelope: EventEnvelope, recordedAt: string): number | null {
    const data = JSON.stringify(envelope.data);
    const position = this.session.insertEvent(envelope, data, recordedAt);
    if (position === null) return null;
    const cursor = this.cursor(envelope.stream);
    cursor.lastSeq = envelope.seq;
    cursor.lastHash = eventHash(envelope, data);
    cursor.changed = true;
    const row = transitionRow(envelope, position, cursor.stateSince);
    if (row !== null) {
      this.session.insertTransition(row);
      cursor.historyRows += 1;
    }
    if (startsState(envelope)) cursor.stateSince = envelope.at;
    return position;
  }
}

/** The subject a held event came on (its stream's own): held events keep only their envelope. */
function heldSubject(stream: string): string {
  const [cluster, peer] = stream.split('/');
  return eventSubject(cluster, peer);
}
