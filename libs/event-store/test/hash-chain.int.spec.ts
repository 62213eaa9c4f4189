import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { chainEnvelopes, eventHash, GENESIS_HASH } from '@haco/contracts';
import { EventStore, verifyStreamChain } from '../src';
import { query } from '../src/sql/dialect';
import { generateStream } from '../../../tools/harness/stream-generator';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(60_000);

const STREAM = 'lab/server1';
const NOW = '2026-11-25T04:00:00.000Z';
const envelopes = generateStream(STREAM, 300, 5);
const last = envelopes.length;

/**
 * The hash chain against someone who can write the database: each way of changing the stored history
 * (an edited row, a deleted row, a reordered pair, an inserted row) is made with plain SQL, as such a
 * person would, and the chain check must name the first broken link where the change is.
 */
describe.each(STORE_KINDS)('the hash chain of a stored stream on %s', (kind: StoreKind) => {
  const stores = testStores(`chain-${kind}`);

  async function filledStore(): Promise<{ dataSource: DataSource; store: EventStore }> {
    const dataSource = await stores.open(kind);
    const store = new EventStore(dataSource);
    const results = await store.ingest(
      envelopes.map((envelope) => ({ subject: 's', envelope })),
      NOW,
    );
    expect(results.every((r) => r.outcome === 'appended')).toBe(true);
    return { dataSource, store };
  }

  const tampered = async (change: (db: DataSource) => Promise<void>) => {
    const { dataSource, store } = await filledStore();
    try {
      await change(dataSource);
      return await verifyStreamChain(store, STREAM, null);
    } finally {
      await dataSource.destroy();
    }
  };
  const sql = async (db: DataSource, text: string, params: unknown[] = []) => {
    await query(db, text, params);
  };

  it('verifies a log as stored, and its head is the last event’s hash', async () => {
    const report = await tampered(async () => undefined);
    expect(report).toMatchObject({ broken: null, events: last, lastSeq: last, unlinkedBefore: 0 });
    expect(report.lastHash).toBe(eventHash(envelopes[last - 1]));
  });

  it('names the link after an edited row', async () => {
    const report = await tampered((db) =>
      sql(db, `UPDATE events SET at = '2026-11-01T09:09:09.000Z' WHERE stream = ? AND seq = 120`, [STREAM]),
    );
    expect(report.broken).toMatchObject({ problem: 'link', previous: 120, seq: 121 });
  });

  it('names an edited last row through the stream’s head', async () => {
    const report = await tampered((db) =>
      sql(db, `UPDATE events SET causation_id = 'forged' WHERE stream = ? AND seq = ?`, [STREAM, last]),
    );
    expect(report.broken).toMatchObject({ problem: 'head', seq: last });
  });

  it('names a deleted row', async () => {
    const report = await tampered((db) =>
      sql(db, 'DELETE FROM events WHERE stream = ? AND seq = 77', [STREAM]),
    );
    expect(report.broken).toMatchObject({ problem: 'missing', previous: 76, seq: 78 });
    expect(report.broken?.detail).toContain('#77 is missing');
  });

  it('names deleted last rows through the stream’s head', async () => {
    const report = await tampered((db) =>
      sql(db, 'DELETE FROM events WHERE stream = ? AND seq > ?', [STREAM, last - 3]),
    );
    expect(report.broken).toMatchObject({ problem: 'head', previous: last - 3, seq: last });
  });

  it('names a reordered pair', async () => {
    const report = await tampered(async (db) => {
      // Rows 200 and 201 swap places (through a free seq, for the (stream, seq) key).
      await sql(db, 'UPDATE events SET seq = -1 WHERE stream = ? AND seq = 200', [STREAM]);
      await sql(db, 'UPDATE events SET seq = 200 WHERE stream = ? AND seq = 201', [STREAM]);
      await sql(db, 'UPDATE events SET seq = 201 WHERE stream = ? AND seq = -1', [STREAM]);
    });
    expect(report.broken).toMatchObject({ problem: 'link', previous: 199, seq: 200 });
  });

  it('names an inserted row, even one that links to the row before it', async () => {
    const report = await tampered(async (db) => {
      // Rows from 150 move one up, the head too, and a forged event takes 150 with a correct link to 149:
      // everything the forger can read, they use.
      await sql(db, 'UPDATE events SET seq = seq + 100000 WHERE stream = ? AND seq >= 150', [STREAM]);
      await sql(db, 'UPDATE events SET seq = seq - 99999 WHERE stream = ? AND seq >= 100000', [STREAM]);
      await sql(db, 'UPDATE stream_heads SET last_seq = last_seq + 1 WHERE stream = ?', [STREAM]);
      const [forged] = chainEnvelopes(eventHash(envelopes[148]), [
        { ...withoutLink(envelopes[149]), id: 'forged-150', data: { state: 'partner-down', commandId: 'x' } },
      ]).envelopes;
      const position = 10_000_000;
      await sql(
        db,
        `INSERT INTO events (position, id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id,
           prev_hash) VALUES (?, ?, ?, 150, 'StateMachineContinued', ?, ?, ?, NULL, NULL, ?)`,
        [position, forged.id, STREAM, JSON.stringify(forged.data), forged.at, NOW, forged.prevHash],
      );
    });
    expect(report.broken).toMatchObject({ problem: 'link', previous: 150, seq: 151 });
  });

  it('refuses on ingest an event that does not link to the stored head, and one held behind a gap', async () => {
    const { dataSource, store } = await filledStore();
    try {
      const [next, after, third] = chainEnvelopes(eventHash(envelopes[last - 1]), [
        unchained(last + 1),
        unchained(last + 2),
        unchained(last + 3),
      ]).envelopes;
      // The right place, the wrong predecessor: a forgery made without the stream's head, or another history.
      const [forged] = await store.ingest(
        [{ subject: 's', envelope: { ...next, prevHash: GENESIS_HASH } }],
        NOW,
      );
      expect(forged).toMatchObject({ outcome: 'dead-letter', disputed: true });
      expect((forged as { reason: string }).reason).toContain(
        `${STREAM}#${last + 1} does not follow #${last}`,
      );
      // Held behind a gap, then refused when the gap closes: it does not follow what arrived before it.
      expect(
        (await store.ingest([{ subject: 's', envelope: { ...third, prevHash: GENESIS_HASH } }], NOW))[0],
      ).toMatchObject({ outcome: 'held' });
      await store.ingest(
        [
          { subject: 's', envelope: next },
          { subject: 's', envelope: after },
        ],
        NOW,
      );
      expect((await store.streams()).find((h) => h.stream === STREAM)?.lastSeq).toBe(last + 2);
      const [refused] = await store.deadLetters(1);
      expect(refused).toMatchObject({ stream: STREAM, disputedSeq: last + 3 });
      expect(refused.reason).toContain('does not follow');
      // The genuine one still takes the place, and the chain holds.
      await store.ingest([{ subject: 's', envelope: third }], NOW);
      expect(await verifyStreamChain(store, STREAM, null)).toMatchObject({ broken: null, lastSeq: last + 3 });
    } finally {
      await dataSource.destroy();
    }
  });

  it('chains the coordinator’s own streams as it writes them', async () => {
    const { dataSource, store } = await filledStore();
    try {
      for (let i = 1; i <= 3; i += 1)
        await store.appendNext(
          '_coordinator/commands',
          { type: 'CommandRequested', data: { n: i } },
          { id: `c-${i}`, at: NOW },
        );
      const report = await verifyStreamChain(store, '_coordinator/commands', null);
      expect(report).toMatchObject({ broken: null, events: 3 });
      const stored = await store.readStream('_coordinator/commands');
      expect(stored[0].prevHash).toBe(GENESIS_HASH);
      expect(stored[2].prevHash).toBe(eventHash(stored[1]));
    } finally {
      await dataSource.destroy();
    }
  });
});

function withoutLink({ prevHash: _link, ...event }: EventEnvelope) {
  return event;
}

function unchained(seq: number) {
  return {
    schema: 1 as const,
    id: `next-${seq}`,
    stream: STREAM,
    seq,
    type: 'HeartbeatStarted' as const,
    data: {},
    at: NOW,
    causationId: null,
    correlationId: null,
  };
}
