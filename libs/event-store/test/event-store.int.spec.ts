import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { MIGRATIONS } from '../src/migrations';
import { EventStore, openDataSource } from '../src';

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

describe('the event store on a real SQLite file', () => {
  let dataSource: DataSource;
  let store: EventStore;

  beforeEach(async () => {
    dataSource = await openDataSource({ path: freshFile() });
    store = new EventStore(dataSource);
  });
  afterEach(async () => dataSource.destroy());

  it('runs in WAL with synchronous FULL by default', async () => {
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  });

  it('appends in order and stores an id once', async () => {
    expect(await store.append(envelope('lab/server1', 1), NOW)).toMatchObject({
      outcome: 'appended',
      released: 0,
    });
    expect(await store.append(envelope('lab/server1', 2), NOW)).toMatchObject({ outcome: 'appended' });
    expect(await store.append(envelope('lab/server1', 2), NOW)).toEqual({ outcome: 'duplicate' });
    expect((await store.readStream('lab/server1')).map((e) => e.seq)).toEqual([1, 2]);
    expect(await store.streams()).toEqual([{ stream: 'lab/server1', lastSeq: 2 }]);
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
      },
    ]);
  });

  it('round-trips an envelope exactly', async () => {
    const original = { ...envelope('lab/server2', 1), causationId: 'cause', correlationId: 'corr' };
    await store.append(original, NOW);
    const [stored] = await store.readStream('lab/server2');
    expect(stored).toEqual({ ...original, position: 1, recordedAt: NOW });
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
