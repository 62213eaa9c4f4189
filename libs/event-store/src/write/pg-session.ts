import type { QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { GENESIS_HASH } from '@haco/contracts';
import type { StoredTransition } from '../transitions';
import type { DeadLetterRow, StoredIdentity, StreamHeadRow, WriteSession } from './write-session';
import { deadLetterValues, transitionValues } from './write-session';

const key = (stream: string, seq: number) => `${seq}\u0000${stream}`;

/** Who a batch touches: its streams, each envelope's place and id, and ids of its own new events. */
export interface BatchReach {
  readonly streams: readonly string[];
  /** Ids of events the batch numbers itself (the coordinators' own), which have no place yet. */
  readonly ids: readonly string[];
  readonly places: readonly { readonly id: string; readonly stream: string; readonly seq: number }[];
}

/**
 * Which stored ids a batch reads up front. `below-heads`: only those of events at or below their stream's
 * head (redeliveries, conflicts); an event past its head is new unless its id is stored elsewhere, which
 * the id's unique index then refuses, and the batch is run again with `all`. Looking up every id of a
 * batch of new events costs about what inserting them does.
 */
export type IdLookup = 'below-heads' | 'all';

/**
 * One PostgreSQL write transaction for the append rules: what the batch reaches is read up front (one
 * query, two when some event is at or below its head), the rules then run in memory against it (seeing
 * their own writes), and the writes go out as one statement. A round trip per event would cost more than
 * the insert itself.
 */
export class PgSession implements WriteSession {
  private readonly heads = new Map<string, StreamHeadRow>();
  private readonly byId = new Map<string, StoredIdentity>();
  private readonly idsAt = new Map<string, string>();
  private readonly held = new Map<string, { id: string; envelope: string }>();
  private nextPosition = 0;

  private readonly events: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  private readonly transitions: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  private readonly causes = new Set<string>();
  private readonly holds = new Map<string, [string, string, number, string, string]>();
  private readonly releases: [string[], number[]] = [[], []];
  private readonly deadLetters: unknown[][] = [[], [], [], [], [], [], []];
  private readonly newHeads: unknown[][] = [[], [], [], [], [], []];

  private constructor(private readonly knownCauses: Set<string>) {}

  /**
   * Reads what the batch reaches: the heads, held events and last position in one round trip, and only
   * when some event is at or below its head (a redelivery, a conflict) or every id is asked for, the
   * stored ids and places those name. The caller holds the log's write lock, so nothing moves meanwhile.
   */
  static async open(
    runner: QueryRunner,
    reach: BatchReach,
    knownCauses: Set<string>,
    lookup: IdLookup,
  ): Promise<PgSession> {
    const session = new PgSession(knownCauses);
    const [found] = (await runner.query(
      `SELECT
         (SELECT COALESCE(json_agg(json_build_array(stream, last_seq, state_since, history_rows, last_hash)),
            '[]')
            FROM stream_heads WHERE stream = ANY($1)) AS heads,
         (SELECT COALESCE(json_agg(json_build_array(id, stream, seq, envelope)), '[]')
            FROM held_events WHERE stream = ANY($1)) AS held,
         (SELECT COALESCE(MAX(position), 0) FROM events) AS last`,
      [[...new Set(reach.streams)]],
    )) as {
      heads: [string, number, string | null, number, string | null][];
      held: [string, string, number, string][];
      last: number;
    }[];
    for (const [stream, lastSeq, stateSince, historyRows, lastHash] of found.heads)
      session.heads.set(stream, { lastSeq, lastHash: lastHash ?? GENESIS_HASH, stateSince, historyRows });
    for (const [id, stream, seq, envelope] of found.held)
      session.held.set(key(stream, seq), { id, envelope });
    session.nextPosition = found.last + 1;
    const below = reach.places.filter((p) => p.seq <= (session.heads.get(p.stream)?.lastSeq ?? 0));
    const ids = lookup === 'all' ? [...reach.ids, ...reach.places.map((p) => p.id)] : below.map((p) => p.id);
    if (ids.length === 0 && below.length === 0) return session;
    const known = (await runner.query(
      // A lookup by the (stream, seq) index for each place: as a join, the planner may scan the table.
      `SELECT id, stream, seq, type, data, at, prev_hash FROM events WHERE id = ANY($1)
       UNION
       SELECT e.id, e.stream, e.seq, e.type, e.data, e.at, e.prev_hash FROM unnest($2::text[], $3::int[]) AS k(stream, seq)
         CROSS JOIN LATERAL (SELECT * FROM events WHERE stream = k.stream AND seq = k.seq) e`,
      [ids, below.map((p) => p.stream), below.map((p) => p.seq)],
    )) as (StoredIdentity & { id: string })[];
    const asked = new Set(ids);
    for (const k of known) {
      if (asked.has(k.id)) session.byId.set(k.id, k);
      session.idsAt.set(key(k.stream, k.seq), k.id);
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
    this.byId.set(e.id, {
      stream: e.stream,
      seq: e.seq,
      type: e.type,
      data,
      at: e.at,
      prev_hash: e.prevHash ?? null,
    });
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
      e.prevHash ?? null,
    ];
    row.forEach((value, i) => this.events[i].push(value));
    return position;
  }

  insertTransition(row: StoredTransition): void {
    transitionValues(row).forEach((value, i) => this.transitions[i].push(value));
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

  deadLetter(row: DeadLetterRow): void {
    deadLetterValues(row).forEach((value, i) => this.deadLetters[i].push(value));
  }

  setHead(stream: string, head: StreamHeadRow, updatedAt: string): void {
    const row = [stream, head.lastSeq, updatedAt, head.stateSince, head.historyRows, head.lastHash];
    row.forEach((value, i) => this.newHeads[i].push(value));
  }

  /**
   * Sends the batch's writes as one statement (a data-modifying CTE per table that has any), and the
   * commit's announcement with its last position: one round trip, whatever the batch holds.
   */
  async flush(runner: QueryRunner, channel: string): Promise<void> {
    const parts: string[] = [];
    const params: unknown[] = [];
    const arrays = (columns: readonly unknown[][], types: readonly string[]) =>
      columns.map((column, i) => `$${params.push(column)}::${types[i]}[]`).join(', ');
    const add = (
      sql: (values: string) => string,
      columns: readonly unknown[][],
      types: readonly string[],
    ) => {
      if (columns[0].length > 0) parts.push(`w${parts.length} AS (${sql(arrays(columns, types))})`);
    };
    add(
      (v) => `INSERT INTO events (position, id, stream, seq, type, data, at, recorded_at, causation_id,
        correlation_id, prev_hash) SELECT * FROM unnest(${v})`,
      this.events,
      ['bigint', 'text', 'text', 'int', 'text', 'text', 'text', 'text', 'text', 'text', 'text'],
    );
    add(
      (v) => `INSERT INTO transitions (position, stream, seq, at, at_ms, from_state, to_state, partner_state,
        cause, command_id, duration_ms) SELECT * FROM unnest(${v})`,
      this.transitions,
      ['bigint', 'text', 'int', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'bigint'],
    );
    add(
      (v) => `INSERT INTO transition_causes (cause) SELECT unnest(${v}) ON CONFLICT DO NOTHING`,
      [[...this.causes]],
      ['text'],
    );
    add(
      (v) => `DELETE FROM held_events h USING unnest(${v}) AS r(stream, seq)
        WHERE h.stream = r.stream AND h.seq = r.seq`,
      this.releases,
      ['text', 'int'],
    );
    const holds = [...this.holds.values()];
    add(
      (v) => `INSERT INTO held_events (id, stream, seq, envelope, held_at) SELECT * FROM unnest(${v})`,
      [0, 1, 2, 3, 4].map((i) => holds.map((row) => row[i])),
      ['text', 'text', 'int', 'text', 'text'],
    );
    add(
      (v) =>
        `INSERT INTO dead_letters (received_at, subject, reason, payload, stream, disputed_seq, source)
         SELECT * FROM unnest(${v})`,
      this.deadLetters,
      ['text', 'text', 'text', 'text', 'text', 'bigint', 'text'],
    );
    add(
      (v) => `INSERT INTO stream_heads (stream, last_seq, updated_at, state_since, history_rows, last_hash)
        SELECT * FROM unnest(${v})
        ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at,
          state_since = excluded.state_since, history_rows = excluded.history_rows,
          last_hash = excluded.last_hash`,
      this.newHeads,
      ['text', 'int', 'text', 'text', 'int', 'text'],
    );
    if (parts.length === 0) return;
    // NOTIFY is delivered at commit, and only then: listeners never hear of a batch that rolled back.
    const last = this.events[0].length > 0 ? String(this.nextPosition - 1) : null;
    const notify =
      last === null ? 'SELECT 1' : `SELECT pg_notify($${params.push(channel)}, $${params.push(last)})`;
    await runner.query(`WITH ${parts.join(',\n')} ${notify}`, params);
  }

  /** Causes this batch wrote: known after its commit. */
  get newCauses(): readonly string[] {
    return [...this.causes];
  }
}
