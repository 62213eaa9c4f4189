import { EventStore, openDataSource, recordedEvents } from '@haco/event-store';
import { MIGRATIONS } from '../src/migrations';
import type { EventEnvelope } from '@haco/contracts';
import { chainEnvelopes, eventHash } from '@haco/contracts';
import { generateStream } from '../../../tools/harness/stream-generator';
import { query } from '../src/sql/dialect';
import { projectPeer } from './support/project-peer';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(60_000);
const stores = testStores('history');

const STREAMS = ['lab/server1', 'lab/server2'];
const streams = STREAMS.map((stream, i) => generateStream(stream, 2_000, 11 + i));
const NOW = '2026-11-25T04:00:00.000Z';

/** What folding the log from the start says the history is: the reference the table must equal. */
function foldedHistory() {
  return streams.flatMap(
    (events, i) =>
      projectPeer(
        STREAMS[i],
        events.map((e, index) => ({ ...e, position: index + 1, recordedAt: NOW })),
      ).history,
  );
}

const byTimeThenSeq = <T extends { at: string; seq: number }>(a: T, b: T) =>
  Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq;

describe.each(STORE_KINDS)('the transition history table on %s', (kind: StoreKind) => {
  it('is written with the events it comes from, and equals the history folded from the log', async () => {
    const dataSource = await stores.open(kind);
    const store = new EventStore(dataSource);
    for (const events of streams) {
      for (let i = 0; i < events.length; i += 300) {
        const batch = events.slice(i, i + 300).map((envelope) => ({ subject: 's', envelope }));
        await store.ingest(batch, NOW);
      }
    }
    const { total, transitions } = await store.history({ limit: -1, offset: 0 });
    const expected = foldedHistory().sort(byTimeThenSeq);
    expect(expected.length).toBeGreaterThan(50);
    expect(total).toBe(expected.length);
    expect(transitions.sort(byTimeThenSeq)).toEqual(expected);
    const server1 = await store.history({
      streams: ['lab/server1'],
      state: 'partner-down',
      limit: 5,
      offset: 2,
    });
    const reference = expected.filter(
      (t) => t.peer === 'server1' && (t.from === 'partner-down' || t.to === 'partner-down'),
    );
    expect(server1.total).toBe(reference.length);
    expect(server1.transitions).toEqual(reference.slice(2, 7));
    for (const cause of ['command:', 'rule:heartbeat', 'ha-continue']) {
      const found = await store.history({ cause, limit: -1, offset: 0 });
      const wanted = expected.filter((t) => t.cause.includes(cause));
      expect(found.total).toBe(wanted.length);
      expect(found.transitions.sort(byTimeThenSeq)).toEqual(wanted);
    }
    // The stored stream still replays: the table is beside the log, not instead of it.
    expect(recordedEvents(await store.readStream('lab/server1')).length).toBe(streams[0].length);
    await dataSource.destroy();
  });

  it('is backfilled by its migration from a log written before it existed', async () => {
    const options = await stores.options(kind);
    const old = await openDataSource({ ...options, migrations: MIGRATIONS.slice(0, 2) });
    let position = 0;
    for (const events of streams) {
      for (const e of events) {
        await query(
          old,
          `INSERT INTO events (position, id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            (position += 1),
            e.id,
            e.stream,
            e.seq,
            e.type,
            JSON.stringify(e.data),
            e.at,
            NOW,
            e.causationId,
            e.correlationId,
          ],
        );
      }
      await query(old, 'INSERT INTO stream_heads (stream, last_seq, updated_at) VALUES (?, ?, ?)', [
        events[0].stream,
        events.length,
        NOW,
      ]);
    }
    await old.destroy();
    const current = await openDataSource(options);
    const store = new EventStore(current);
    const { total, transitions } = await store.history({ limit: -1, offset: 0 });
    expect(transitions.sort(byTimeThenSeq)).toEqual(foldedHistory().sort(byTimeThenSeq));
    // The totals kept with the stream heads are backfilled too.
    expect(total).toBe(transitions.length);
    expect((await store.history({ streams: ['lab/server2'], limit: 1, offset: 0 })).total).toBe(
      transitions.filter((t) => t.peer === 'server2').length,
    );
    // Appending after the migration carries the duration on from where the backfill left it.
    // The peer's outbox predates the chain too: it links its next event to the hash of its last line as
    // written then (no prevHash), which is the hash the migration gave the stream's head.
    const unlinked = ({ prevHash: _link, ...event }: EventEnvelope) => event;
    const more = chainEnvelopes(
      eventHash(unlinked(streams[0][streams[0].length - 1])),
      generateStream('lab/server1', 2_400, 11).slice(streams[0].length).map(unlinked),
    ).envelopes;
    const results = await store.ingest(
      more.map((envelope) => ({ subject: 's', envelope })),
      NOW,
    );
    expect(results.every((r) => r.outcome === 'appended')).toBe(true);
    const after = await store.history({ streams: ['lab/server1'], limit: -1, offset: 0 });
    const folded = projectPeer(
      'lab/server1',
      [...streams[0], ...more].map((e, index) => ({ ...e, position: index + 1, recordedAt: NOW })),
    ).history;
    expect(after.transitions).toEqual(folded.sort(byTimeThenSeq));
    await current.destroy();
  });
});
