import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { MIGRATIONS } from '../src/migrations';
import { EventStore, openDataSource } from '../src';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(30_000);
const stores = testStores('store');
const dir = mkdtempSync(join(tmpdir(), 'haco-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const freshFile = () => join(dir, `events-${(fileCount += 1)}.sqlite`);

const NOW = '2026-11-25T03:00:00.000Z';
const envelope = (stream: string, seq: number, id = `${stream}-${seq}`): EventEnvelope => ({
  schema: 1,
  id,
  stream,
  seq,
  type: 'StateMachineContinued',
  data: { state: 'ready', commandId: 'c' },
  at: NOW,
  causationId: null,
  correlationId: null,
});

describe('a SQLite event store', () => {
  it('runs in WAL with synchronous FULL by default', async () => {
    const dataSource = await openDataSource({ path: freshFile() });
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    await dataSource.destroy();
  });
});

describe.each(STORE_KINDS)('the event store on a real %s database', (kind: StoreKind) => {
  let dataSource: DataSource;
  let store: EventStore;

  beforeEach(async () => {
    dataSource = await stores.open(kind);
    store = new EventStore(dataSource);
  });
  afterEach(async () => dataSource.destroy());

  it('appends in order and stores an id once', async () => {
    expect(await store.append(envelope('lab/server1', 1), NOW)).toMatchObject({
      outcome: 'appended',
      released: 0,
    });
    expect(await store.append(envelope('lab/server1', 2), NOW)).toMatchObject({ outcome: 'appended' });
    expect(await store.append(envelope('lab/server1', 2), NOW)).toEqual({ outcome: 'duplicate' });
    expect((await store.readStream('lab/server1')).map((e) => e.seq)).toEqual([1, 2]);
    expect(await store.streams()).toMatchObject([{ stream: 'lab/server1', lastSeq: 2 }]);
    // One stream's head alone is the same head; a stream never seen has none.
    expect(await store.streamHead('lab/server1')).toEqual((await store.streams())[0]);
    expect(await store.streamHead('lab/server9')).toBeNull();
  });

  it('refuses an id reused for another place, and a place taken by another id', async () => {
    await store.append(envelope('lab/server1', 1), NOW);
    expect(await store.append(envelope('lab/server1', 2, 'lab/server1-1'), NOW)).toMatchObject({
      outcome: 'conflict',
      reason: expect.stringContaining('already stored as lab/server1#1'),
    });
    expect(await store.append(envelope('lab/server1', 1, 'other'), NOW)).toMatchObject({
      outcome: 'conflict',
      reason: expect.stringContaining('already stored with another id'),
    });
    expect(await store.countEvents()).toBe(1);
  });

  it('holds events back behind a gap, reports it, and releases them in order when it closes', async () => {
    await store.append(envelope('s/p', 1), NOW);
    expect(await store.append(envelope('s/p', 4), NOW)).toEqual({ outcome: 'held', expectedSeq: 2 });
    expect(await store.append(envelope('s/p', 3), NOW)).toEqual({ outcome: 'held', expectedSeq: 2 });
    expect(await store.append(envelope('s/p', 3), NOW)).toEqual({ outcome: 'duplicate' });
    expect(await store.heldBack()).toEqual([{ stream: 's/p', expectedSeq: 2, heldSeqs: [3, 4] }]);
    expect((await store.readStream('s/p')).map((e) => e.seq)).toEqual([1]);
    expect(await store.append(envelope('s/p', 2), NOW)).toMatchObject({ outcome: 'appended', released: 2 });
    expect((await store.readStream('s/p')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await store.heldBack()).toEqual([]);
  });

  it('keeps dead letters with their reason', async () => {
    await store.deadLetter('haco.lab.server1.events', 'envelope is not a JSON object', 'garbage', NOW);
    expect(await store.deadLetters()).toEqual([
      {
        id: 1,
        receivedAt: NOW,
        subject: 'haco.lab.server1.events',
        reason: 'envelope is not a JSON object',
        payload: 'garbage',
        stream: null,
        disputedSeq: null,
        source: null,
        resolvedAt: null,
      },
    ]);
  });

  it('round-trips an envelope exactly', async () => {
    const original = { ...envelope('lab/server2', 1), causationId: 'cause', correlationId: 'corr' };
    await store.append(original, NOW);
    const [stored] = await store.readStream('lab/server2');
    expect(stored).toEqual({ ...original, position: 1, recordedAt: NOW });
  });

  it('ingests a batch in one transaction: appended, duplicates, a gap held and closed, dead letters', async () => {
    const items = [
      { subject: 'a', envelope: envelope('lab/a', 1) },
      { subject: 'a', envelope: envelope('lab/a', 3) },
      { subject: 'a', envelope: envelope('lab/a', 1) },
      { subject: 'a', payload: 'garbage', refusal: 'not JSON' },
      { subject: 'a', envelope: envelope('lab/a', 2) },
      { subject: 'b', envelope: envelope('lab/b', 1, 'lab/a-1') },
    ];
    expect((await store.ingest(items, NOW)).map((r) => r.outcome)).toEqual([
      'appended',
      'held',
      'duplicate',
      'dead-letter',
      'appended',
      'dead-letter',
    ]);
    expect((await store.readStream('lab/a')).map((e) => [e.seq, e.position])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await store.heldBack()).toEqual([]);
    expect((await store.deadLetters()).map((d) => d.reason)).toEqual([
      expect.stringContaining('already stored as lab/a#1'),
      'not JSON',
    ]);
    // Redelivered whole (a commit that was not acknowledged): nothing is stored twice.
    expect((await store.ingest(items.slice(0, 3), NOW)).map((r) => r.outcome)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await store.countEvents()).toBe(3);
  });

  it('keeps a checkpoint per stream, never replaced by an older one', async () => {
    expect(await store.checkpoint('lab/a')).toBeNull();
    await store.saveCheckpoint('lab/a', 10, '{"n":10}', NOW);
    await store.saveCheckpoint('lab/a', 5, '{"n":5}', NOW);
    expect(await store.checkpoint('lab/a')).toEqual({ lastSeq: 10, fold: '{"n":10}' });
    await store.saveCheckpoint('lab/a', 12, '{"n":12}', NOW);
    expect(await store.checkpoint('lab/a')).toEqual({ lastSeq: 12, fold: '{"n":12}' });
  });

  it('answers writable, and finds events by a data field', async () => {
    expect(await store.writable()).toBe(true);
    await store.append(envelope('lab/a', 1), NOW);
    expect((await store.findByData('StateMachineContinued', 'commandId', 'c')).map((e) => e.id)).toEqual([
      'lab/a-1',
    ]);
    await expect(store.findByData('StateMachineContinued', "x') OR 1=1 --", 'c')).rejects.toThrow(
      'not a data field name',
    );
  });
});

describe('migrations on PostgreSQL', () => {
  it('build the whole schema on an empty database, and run again as a no-op', async () => {
    const options = await stores.options('postgres');
    const first = await openDataSource(options);
    const applied = (await first.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const tables = (await first.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    )) as { table_name: string }[];
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'dead_letters',
        'events',
        'held_events',
        'projection_checkpoints',
        'stream_heads',
        'transition_causes',
        'transitions',
      ]),
    );
    await first.destroy();
    const again = await openDataSource(options);
    expect(((await again.query('SELECT COUNT(*) AS n FROM migrations')) as { n: number }[])[0].n).toBe(
      MIGRATIONS.length,
    );
    await again.destroy();
  });
});

describe('migrations', () => {
  it('bring a populated database of the first schema up to date without touching its events', async () => {
    const path = freshFile();
    const old = await openDataSource({ path, migrations: MIGRATIONS.slice(0, 1) });
    // Rows as the first version wrote them.
    for (let seq = 1; seq <= 50; seq += 1) {
      const e = envelope('lab/server1', seq);
      await old.query(
        'INSERT INTO events (id, stream, seq, type, data, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [e.id, e.stream, e.seq, e.type, JSON.stringify(e.data), e.at, NOW],
      );
    }
    await old.query('INSERT INTO stream_heads (stream, last_seq, updated_at) VALUES (?, ?, ?)', [
      'lab/server1',
      50,
      NOW,
    ]);
    await old.destroy();

    const current = await openDataSource({ path });
    const indexes = (await current.query("SELECT name FROM sqlite_master WHERE type = 'index'")) as {
      name: string;
    }[];
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['events_causation', 'events_stream_at']),
    );
    const applied = (await current.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const store = new EventStore(current);
    expect((await store.readStream('lab/server1')).map((e) => e.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(await store.append(envelope('lab/server1', 51), NOW)).toMatchObject({ outcome: 'appended' });
    await current.destroy();

    const again = await openDataSource({ path, synchronous: 'NORMAL' });
    expect(await again.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(await new EventStore(again).countEvents()).toBe(51);
    await again.destroy();
  });
});
