import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@haco/contracts';
import { EVENTS_STREAM, eventHash, eventSubject, GENESIS_HASH } from '@haco/contracts';
import { silentLogger } from '@haco/common';
import { EventStore, openDataSource } from '@haco/event-store';
import { ensureEventsStream } from '@haco/nats';
import { startIngestMicroservice } from '../../../tools/harness/ingest-microservice';
import { NatsServer } from '../../../tools/harness/nats-server';
import { waitFor } from '../../../tools/harness/processes';
import { EVENT_STORE, LOGGER } from '../src/common/tokens';
import { IngestModule } from '../src/ingest/ingest.module';
import { IngestStats } from '../src/ingest/ingest-stats';
import { MetricsModule } from '../src/metrics/metrics.module';
import { LogTail } from '../src/store/log-tail';

jest.setTimeout(60_000);

const quiet = silentLogger;
const at = '2026-11-25T03:00:00.000Z';
// Each envelope links to the one its stream's peer would have published before it (default content).
const envelope = (stream: string, seq: number, extra: Partial<EventEnvelope> = {}): EventEnvelope => ({
  schema: 1,
  id: `${stream}#${seq}`,
  stream,
  seq,
  type: 'StateMachineContinued',
  data: { state: 'ready', commandId: 'c' },
  at,
  causationId: null,
  correlationId: null,
  prevHash: seq === 1 ? GENESIS_HASH : eventHash(envelope(stream, seq - 1)),
  ...extra,
});

describe('event ingest from a real JetStream into a real SQLite file', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let dataSource: DataSource;
  let store: EventStore;
  let app: INestMicroservice;
  let stats: IngestStats;
  const dir = mkdtempSync(join(tmpdir(), 'haco-ingest-'));

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc, { replicas: 1 });
    dataSource = await openDataSource({ path: join(dir, 'events.sqlite') });
    store = new EventStore(dataSource);
    // The coordinator's own IngestModule on the JetStream transport, as main.ts connects it.
    @Global()
    @Module({
      providers: [{ provide: EVENT_STORE, useValue: store }, { provide: LOGGER, useValue: quiet }, LogTail],
      exports: [EVENT_STORE, LOGGER, LogTail],
    })
    class StoreForTest {}
    @Module({ imports: [StoreForTest, MetricsModule, IngestModule] })
    class IngestUnderTest {}
    app = await startIngestMicroservice(IngestUnderTest, nc, quiet);
    stats = app.get(IngestStats);
  });
  afterAll(async () => {
    await app?.close();
    await nc.close();
    await dataSource.destroy();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  let published = 0;
  const publish = async (subject: string, payload: string) => {
    published += 1;
    await jetstream(nc).publish(subject, payload, { msgID: `test-${published}` });
  };
  const settled = () =>
    waitFor('ingest to catch up', async () => (stats.messages >= published ? true : undefined));

  it('keeps in JetStream only what is not yet stored: a bounded work queue that refuses rather than drops', async () => {
    const subject = eventSubject('lab', 'retention');
    for (let seq = 1; seq <= 5; seq += 1)
      await publish(subject, JSON.stringify(envelope('lab/retention', seq)));
    await settled();
    const jsm = await jetstreamManager(nc);
    const info = await waitFor('the stored messages to leave the stream', async () => {
      const i = await jsm.streams.info(EVENTS_STREAM);
      return i.state.messages === 0 ? i : undefined;
    });
    expect(info.config).toMatchObject({
      retention: 'workqueue',
      discard: 'new',
      max_bytes: 1024 * 1024 * 1024,
    });
    expect((await store.readStream('lab/retention')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stores a stream in order, once, even when messages come twice', async () => {
    for (let seq = 1; seq <= 20; seq += 1)
      await publish(eventSubject('lab', 'server1'), JSON.stringify(envelope('lab/server1', seq)));
    for (const seq of [3, 7])
      await publish(eventSubject('lab', 'server1'), JSON.stringify(envelope('lab/server1', seq)));
    await settled();
    expect((await store.readStream('lab/server1')).map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(stats.duplicates).toBe(2);
  });

  it('holds back events behind a gap and stores them when it closes', async () => {
    const subject = eventSubject('lab', 'server2');
    await publish(subject, JSON.stringify(envelope('lab/server2', 1)));
    await publish(subject, JSON.stringify(envelope('lab/server2', 3)));
    await settled();
    expect(await store.heldBack()).toEqual([{ stream: 'lab/server2', expectedSeq: 2, heldSeqs: [3] }]);
    await publish(subject, JSON.stringify(envelope('lab/server2', 2)));
    await settled();
    expect((await store.readStream('lab/server2')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await store.heldBack()).toEqual([]);
  });

  it.each<[string, string, string, string]>([
    ['malformed JSON', eventSubject('lab', 'server3'), '{"schema": 1,', 'malformed JSON'],
    [
      'an unknown type',
      eventSubject('lab', 'server3'),
      JSON.stringify(envelope('lab/server3', 1, { type: 'Exploded' as never })),
      'unknown event type',
    ],
    [
      'a forged stream',
      eventSubject('lab', 'server3'),
      JSON.stringify(envelope('lab/server1', 21)),
      'forged: stream lab/server1 published on haco.lab.server3.events',
    ],
    [
      'data out of schema',
      eventSubject('lab', 'server3'),
      JSON.stringify(
        envelope('lab/server3', 1, { type: 'StateTransitioned', data: { from: 'waiting' } as never }),
      ),
      "StateTransitioned: 'to' must be an HA state",
    ],
    [
      'a reused id',
      eventSubject('lab', 'server1'),
      JSON.stringify(envelope('lab/server1', 21, { id: 'lab/server1#1' })),
      'already stored as lab/server1#1',
    ],
  ])(
    'sends %s to the dead letters with the reason, and goes on',
    async (_label, subject, payload, reason) => {
      const before = stats.deadLetters;
      await publish(subject, payload);
      await settled();
      expect(stats.deadLetters).toBe(before + 1);
      const [latest] = await store.deadLetters(1);
      expect(latest).toMatchObject({ subject, reason: expect.stringContaining(reason) });
      expect((await store.readStream('lab/server1')).length).toBe(20);
    },
  );
});
