import type { INestMicroservice } from '@nestjs/common';
import { Controller, Module } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM, eventSubject } from '@haco/contracts';
import type { IngestBatch } from '@haco/nats';
import { ensureEventsStream, INGEST_BATCH_PATTERN, INGEST_CONSUMER } from '@haco/nats';
import { startIngestMicroservice } from '../../../tools/harness/ingest-microservice';
import { NatsServer } from '../../../tools/harness/nats-server';
import { waitFor } from '../../../tools/harness/processes';

jest.setTimeout(90_000);

/** 96 messages of 200 KiB: a backlog of over 18 MiB, several times what the server may hold uncommitted. */
const MESSAGES = 96;
const MESSAGE_BYTES = 200 * 1024;
/** A slow store: each group takes this long, so the whole backlog takes longer than ack_wait (5 s). */
const COMMIT_MS = 350;

describe('the JetStream ingest transport under a backlog, on a real nats-server', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let app: INestMicroservice;
  const groups: string[][] = [];

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc, { replicas: 1 });
    const js = jetstream(nc);
    for (let i = 0; i < MESSAGES; i += 1)
      await js.publish(
        eventSubject('lab', 'backlog'),
        `${String(i).padStart(4, '0')}${'x'.repeat(MESSAGE_BYTES)}`,
      );

    @Controller()
    class SlowStore {
      @EventPattern(INGEST_BATCH_PATTERN)
      async commit(batch: IngestBatch): Promise<void> {
        groups.push(batch.messages.map((message) => message.text.slice(0, 4)));
        await new Promise((resolve) => setTimeout(resolve, COMMIT_MS));
      }
    }
    @Module({ controllers: [SlowStore] })
    class SlowStoreModule {}
    app = await startIngestMicroservice(SlowStoreModule, nc);
  });
  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await nats?.destroy();
  });

  it('takes the backlog in bounded groups, holds little uncommitted, and gets no message twice', async () => {
    const jsm = await jetstreamManager(nc);
    const ackPending: number[] = [];
    await waitFor(
      'the backlog to be committed and acknowledged',
      async () => {
        const info = await jsm.consumers.info(EVENTS_STREAM, INGEST_CONSUMER);
        ackPending.push(info.num_ack_pending);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? info : undefined;
      },
      60_000,
    );
    const info = await jsm.consumers.info(EVENTS_STREAM, INGEST_CONSUMER);
    // The whole backlog took longer than ack_wait, yet nothing waited long enough to be sent again.
    expect(groups.length * COMMIT_MS).toBeGreaterThan(5_000);
    expect(info.num_redelivered).toBe(0);
    const seen = groups.flat();
    expect(seen).toEqual(Array.from({ length: MESSAGES }, (_, i) => String(i).padStart(4, '0')));
    // A group is at most 1 MiB: five of these messages.
    expect(Math.max(...groups.map((group) => group.length))).toBe(5);
    // Fetched but unacknowledged: the 4 MiB pull window, 2 MiB waiting and the group in hand, not the backlog.
    expect(Math.max(...ackPending)).toBeLessThanOrEqual(Math.ceil((7 * 1024 * 1024) / MESSAGE_BYTES) + 1);
    expect(Math.max(...ackPending)).toBeGreaterThan(0);
  });
});
