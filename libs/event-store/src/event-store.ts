import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { SerialQueue } from '@haco/contracts';

export type AppendResult =
  | { readonly outcome: 'appended'; readonly position: number; readonly released: number }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'held'; readonly expectedSeq: number }
  | { readonly outcome: 'conflict'; readonly reason: string };

/** One message for `ingest`: an envelope to append, or input refused before it got that far. */
export type IngestItem =
  | { readonly subject: string; readonly payload: string; readonly envelope: EventEnvelope }
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
 * ones arrive. One writer: appends are applied one at a time, each in its own transaction.
 */
export class EventStore {
  private readonly writes = new SerialQueue();

  constructor(private readonly dataSource: DataSource) {}

  append(envelope: EventEnvelope, recordedAt: string): Promise<AppendResult> {
    return this.writes.run(() => this.dataSource.transaction((m) => this.appendIn(m, envelope, recordedAt)));
  }

  /**
   * Stores a batch of received messages in one transaction: envelopes appended (conflicts and refusals
   * go to the dead letters with their reason). When it resolves, all of it is committed; when it fails,
   * none of it is, and the messages must be delivered again.
   */
  ingest(items: readonly IngestItem[], receivedAt: string): Promise<IngestResult[]> {
    return this.writes.run(() =>
      this.dataSource.transaction(async (m) => {
        const results: IngestResult[] = [];
        for (const item of items) {
          const result = 'refusal' in item ? null : await this.appendIn(m, item.envelope, receivedAt);
          const reason =
            'refusal' in item ? item.refusal : result?.outcome === 'conflict' ? result.reason : null;
          if (reason !== null) {
            await this.deadLetterIn(m, item.subject, reason, item.payload, receivedAt);
            results.push({ outcome: 'dead-letter', reason });
          } else if (result !== null) results.push(result);
        }
        return results;
      }),
    );
  }
  private async appendIn(
    m: EntityManager,
    envelope: EventEnvelope,
    recordedAt: string,
  ): Promise<AppendResult> {
    const known = (await m.query('SELECT stream, seq FROM events WHERE id = ?', [envelope.id])) as EventRow[];
    if (known.length > 0) {
      return known[0].stream === envelope.stream && known[0].seq === envelope.seq
        ? { outcome: 'duplicate' }
        : {
            outcome: 'conflict',
            reason: `event id ${envelope.id} is already stored as ${known[0].stream}#${known[0].seq}`,
          };
    }
    const taken = (await m.query('SELECT id FROM events WHERE stream = ? AND seq = ?', [
      envelope.stream,
      envelope.seq,
    ])) as EventRow[];
    if (taken.length > 0) {
      return {
        outcome: 'conflict',
        reason: `${envelope.stream}#${envelope.seq} is already stored with another id (${taken[0].id})`,
      };
    }
    const expectedSeq = (await this.headIn(m, envelope.stream)) + 1;
    if (envelope.seq !== expectedSeq) {
      const held = (await m.query('SELECT id FROM held_events WHERE stream = ? AND seq = ?', [
        envelope.stream,
        envelope.seq,
      ])) as {
        id: string;
      }[];
      if (held.length > 0)
        return held[0].id === envelope.id
          ? { outcome: 'duplicate' }
          : {
              outcome: 'conflict',
              reason: `${envelope.stream}#${envelope.seq} is already held with another id`,
            };
      await m.query('INSERT INTO held_events (id, stream, seq, envelope, held_at) VALUES (?, ?, ?, ?, ?)', [
        envelope.id,
        envelope.stream,
        envelope.seq,
        JSON.stringify(envelope),
        recordedAt,
      ]);
      return { outcome: 'held', expectedSeq };
    }
    const position = await this.insertIn(m, envelope, recordedAt);
    const released = await this.releaseHeldIn(m, envelope.stream, envelope.seq + 1, recordedAt);
    return { outcome: 'appended', position, released };
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
      this.dataSource.transaction(async (m) => {
        const seq = (await this.headIn(m, stream)) + 1;
        const envelope = {
          schema: 1 as const,
          id: meta.id,
          stream,
          seq,
          type: event.type as EventEnvelope['type'],
          data: event.data as EventEnvelope['data'],
          at: meta.at,
          causationId: meta.causationId ?? null,
          correlationId: meta.correlationId ?? null,
        };
        await this.insertIn(m, envelope, meta.at);
        return seq;
      }),
    );
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

  private async insertIn(m: EntityManager, e: EventEnvelope, recordedAt: string): Promise<number> {
    const result = (await m.query(
      `INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING position`,
      [
        e.id,
        e.stream,
        e.seq,
        e.type,
        JSON.stringify(e.data),
        e.at,
        recordedAt,
        e.causationId,
        e.correlationId,
      ],
    )) as { position: number }[];
    await m.query(
      `INSERT INTO stream_heads (stream, last_seq, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at`,
      [e.stream, e.seq, recordedAt],
    );
    return result[0].position;
  }

  /** The missing event arrived: append whatever was held right behind it, in order. */
  private async releaseHeldIn(
    m: EntityManager,
    stream: string,
    fromSeq: number,
    recordedAt: string,
  ): Promise<number> {
    let released = 0;
    for (let seq = fromSeq; ; seq += 1) {
      const held = (await m.query('SELECT envelope FROM held_events WHERE stream = ? AND seq = ?', [
        stream,
        seq,
      ])) as {
        envelope: string;
      }[];
      if (held.length === 0) return released;
      await this.insertIn(m, JSON.parse(held[0].envelope) as EventEnvelope, recordedAt);
      await m.query('DELETE FROM held_events WHERE stream = ? AND seq = ?', [stream, seq]);
      released += 1;
    }
  }

  private async headIn(m: EntityManager, stream: string): Promise<number> {
    const rows = (await m.query('SELECT last_seq FROM stream_heads WHERE stream = ?', [stream])) as {
      last_seq: number;
    }[];
    return rows.length === 0 ? 0 : rows[0].last_seq;
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
    return this.writes.run(() =>
      this.dataSource.transaction((m) => this.deadLetterIn(m, subject, reason, payload, receivedAt)),
    );
  }

  private async deadLetterIn(
    m: EntityManager,
    subject: string,
    reason: string,
    payload: string,
    at: string,
  ): Promise<void> {
    await m.query('INSERT INTO dead_letters (received_at, subject, reason, payload) VALUES (?, ?, ?, ?)', [
      at,
      subject,
      reason,
      payload.slice(0, 65_536),
    ]);
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

  async countEvents(): Promise<number> {
    const rows = (await this.dataSource.query('SELECT COUNT(*) AS n FROM events')) as { n: number }[];
    return rows[0].n;
  }
}
