import type { QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import type { StoredTransition } from '../transitions';
import type { StoredIdentity, WriteSession } from './write-session';

const key = (stream: string, seq: number) => `${seq}\u0000${stream}`;

/** Who a batch touches: its streams and ids, and the places below a head whose id a conflict names. */
export interface BatchReach {
  readonly streams: readonly string[];
  readonly ids: readonly string[];
  readonly places: readonly { readonly stream: string; readonly seq: number }[];
}

/**
 * One PostgreSQL write transaction for the append rules: what the batch reaches is read up front in a
 * few queries, the rules then run in memory against it (seeing their own writes), and the writes go out
 * as one multi-row statement per table. A round trip per event would cost more than the insert itself.
 */
export class PgSession implements WriteSession {
  private readonly heads = new Map<string, { lastSeq: number; stateSince: string | null }>();
  private readonly byId = new Map<string, StoredIdentity>();
  private readonly idsAt = new Map<string, string>();
  private readonly held = new Map<string, { id: string; envelope: string }>();
  private nextPosition = 0;

  private readonly events: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  private readonly transitions: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  private readonly causes = new Set<string>();
  private readonly holds = new Map<string, [string, string, number, string, string]>();
  private readonly releases: [string[], number[]] = [[], []];
  private readonly deadLetters: string[][] = [[], [], [], []];
  private readonly newHeads: unknown[][] = [[], [], [], []];

  private constructor(private readonly knownCauses: Set<string>) {}

  /** Reads what the batch reaches; the caller holds the log's write lock, so nothing moves meanwhile. */
  static async open(runner: QueryRunner, reach: BatchReach, knownCauses: Set<string>): Promise<PgSession> {
    const session = new PgSession(knownCauses);
    const streams = [...new Set(reach.streams)];
    const [heads, held, known, last] = [
      (await runner.query('SELECT stream, last_seq, state_since FROM stream_heads WHERE stream = ANY($1)', [
        streams,
      ])) as { stream: string; last_seq: number; state_since: string | null }[],
      (await runner.query('SELECT id, stream, seq, envelope FROM held_events WHERE stream = ANY($1)', [
        streams,
      ])) as { id: string; stream: string; seq: number; envelope: string }[],
      (await runner.query('SELECT id, stream, seq, type, data, at FROM events WHERE id = ANY($1)', [
        [...reach.ids],
      ])) as (StoredIdentity & { id: string })[],
      (await runner.query('SELECT COALESCE(MAX(position), 0) AS p FROM events')) as { p: number }[],
    ];
    for (const h of heads) session.heads.set(h.stream, { lastSeq: h.last_seq, stateSince: h.state_since });
    for (const h of held) session.held.set(key(h.stream, h.seq), { id: h.id, envelope: h.envelope });
    for (const k of known) {
      session.byId.set(k.id, k);
      session.idsAt.set(key(k.stream, k.seq), k.id);
    }
    session.nextPosition = last[0].p + 1;
    const below = reach.places.filter((p) => p.seq <= (session.heads.get(p.stream)?.lastSeq ?? 0));
    if (below.length > 0) {
      const taken = (await runner.query(
        `SELECT e.stream, e.seq, e.id FROM events e
         JOIN unnest($1::text[], $2::int[]) AS k(stream, seq) ON e.stream = k.stream AND e.seq = k.seq`,
        [below.map((p) => p.stream), below.map((p) => p.seq)],
      )) as { stream: string; seq: number; id: string }[];
      for (const t of taken) session.idsAt.set(key(t.stream, t.seq), t.id);
    }
    return session;
  }

  head(stream: string) {
    return this.heads.get(stream);
  }

  eventById(id: string) {
    return this.byId.get(id);
  }

  idAt(stream: string, seq: number) {
    return this.idsAt.get(key(stream, seq));
  }

  heldAt(stream: string, seq: number) {
    return this.held.get(key(stream, seq));
  }

  insertEvent(e: EventEnvelope, data: string, recordedAt: string): number | null {
    if (this.byId.has(e.id)) return null;
    const position = this.nextPosition;
    this.nextPosition += 1;
    this.byId.set(e.id, { stream: e.stream, seq: e.seq, type: e.type, data, at: e.at });
    this.idsAt.set(key(e.stream, e.seq), e.id);
    const row = [
      position,
      e.id,
      e.stream,
      e.seq,
      e.type,
      data,
      e.at,
      recordedAt,
      e.causationId,
      e.correlationId,
    ];
    row.forEach((value, i) => this.events[i].push(value));
    return position;
  }

  insertTransition(row: StoredTransition): void {
    const values = [
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
    values.forEach((value, i) => this.transitions[i].push(value));
    if (!this.knownCauses.has(row.cause)) this.causes.add(row.cause);
  }

  hold(e: EventEnvelope, text: string, heldAt: string): void {
    this.held.set(key(e.stream, e.seq), { id: e.id, envelope: text });
    this.holds.set(key(e.stream, e.seq), [e.id, e.stream, e.seq, text, heldAt]);
  }

  release(stream: string, seq: number): void {
    this.held.delete(key(stream, seq));
    // Held and released in this same batch: never written at all.
    if (this.holds.delete(key(stream, seq))) return;
    this.releases[0].push(stream);
    this.releases[1].push(seq);
  }

  deadLetter(receivedAt: string, subject: string, reason: string, payload: string): void {
    [receivedAt, subject, reason, payload].forEach((value, i) => this.deadLetters[i].push(value));
  }

  setHead(stream: string, lastSeq: number, updatedAt: string, stateSince: string | null): void {
    [stream, lastSeq, updatedAt, stateSince].forEach((value, i) => this.newHeads[i].push(value));
  }

  /** Sends the batch's writes, one statement per table that has any; the last position written, or 0. */
  async flush(runner: QueryRunner): Promise<number> {
    if (this.events[0].length > 0) {
      await runner.query(
        `INSERT INTO events (position, id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
           $7::text[], $8::text[], $9::text[], $10::text[])`,
        this.events,
      );
    }
    if (this.transitions[0].length > 0) {
      await runner.query(
        `INSERT INTO transitions (position, stream, seq, at, at_ms, from_state, to_state, partner_state, cause,
           command_id, duration_ms)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::text[],
           $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])`,
        this.transitions,
      );
    }
    if (this.causes.size > 0) {
      await runner.query(
        'INSERT INTO transition_causes (cause) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
        [[...this.causes]],
      );
    }
    if (this.releases[0].length > 0) {
      await runner.query(
        `DELETE FROM held_events h USING unnest($1::text[], $2::int[]) AS r(stream, seq)
         WHERE h.stream = r.stream AND h.seq = r.seq`,
        this.releases,
      );
    }
    if (this.holds.size > 0) {
      const rows = [...this.holds.values()];
      await runner.query(
        `INSERT INTO held_events (id, stream, seq, envelope, held_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[])`,
        [0, 1, 2, 3, 4].map((i) => rows.map((row) => row[i])),
      );
    }
    if (this.deadLetters[0].length > 0) {
      await runner.query(
        `INSERT INTO dead_letters (received_at, subject, reason, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
        this.deadLetters,
      );
    }
    if (this.newHeads[0].length > 0) {
      await runner.query(
        `INSERT INTO stream_heads (stream, last_seq, updated_at, state_since)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])
         ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at,
           state_since = excluded.state_since`,
        this.newHeads,
      );
    }
    return this.events[0].length > 0 ? this.nextPosition - 1 : 0;
  }

  /** Causes this batch wrote: known after its commit. */
  get newCauses(): readonly string[] {
    return [...this.causes];
  }
}
