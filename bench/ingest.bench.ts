import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { JetStreamClient, JetStreamPublishOptions } from 'nats';
import { connect } from 'nats';
import type { EventEnvelope } from '@haco/contracts';
import { ensureEventsStream, eventSubject } from '@haco/contracts';
import { EventStore, openDataSource } from '@haco/event-store';
import { NatsServer } from '../test/support/nats-server';
import { generateStream } from '../test/support/stream-generator';
import { EventIngest } from '../apps/coordinator/src/ingest/event-ingest';
import { EventPublisher } from '../apps/peer/src/events/event-publisher';
import { Outbox } from '../apps/peer/src/events/outbox';
import { percentile, quiet } from './measure';

export interface IngestResult {
  readonly events: number;
  readonly peers: number;
  readonly rawInsertsPerSecond: number;
  readonly rawBatchRows: number;
  readonly ingestEventsPerSecond: number;
  readonly ratio: number;
  readonly p50PublishToCommitMs: number;
  readonly p99PublishToCommitMs: number;
}

const RAW_BATCHES = [256, 1_000, 5_000];

/**
 * Raw better-sqlite3 batched inserts of the same rows into the same schema (the migrations' events table,
 * same pragmas), at the best of a few batch sizes: the physical limit ingest is compared with.
 */
async function rawInserts(
  dir: string,
  rows: readonly EventEnvelope[],
): Promise<{ rate: number; batch: number }> {
  let best = { rate: 0, batch: 0 };
  for (const size of RAW_BATCHES) {
    const path = join(dir, `raw-${size}.sqlite`);
    await (await openDataSource({ path })).destroy();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const insert = db.prepare(
      `INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const batch = db.transaction((chunk: readonly EventEnvelope[]) => {
      for (const e of chunk)
        insert.run(
          e.id,
          e.stream,
          e.seq,
          e.type,
          JSON.stringify(e.data),
          e.at,
          e.at,
          e.causationId,
          e.correlationId,
        );
    });
    const start = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += size) batch(rows.slice(i, i + size));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    db.close();
    const rate = Math.round(rows.length / seconds);
    if (rate > best.rate) best = { rate, batch: size };
  }
  return best;
}

/** Records when each event's batch left the peer, from the batch's Haco-Seq header. */
function timedPublisher(js: JetStreamClient, sentAt: Map<string, number>): JetStreamClient {
  return new Proxy(js, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      return (subject: string, data: string, options: Partial<JetStreamPublishOptions>) => {
        const stream = options.headers?.get('Haco-Stream') ?? '';
        const [from, to] = (options.headers?.get('Haco-Seq') ?? '0-0').split('-').map(Number);
        const now = performance.now();
        for (let seq = from; seq <= to; seq += 1)
          if (!sentAt.has(`${stream}#${seq}`)) sentAt.set(`${stream}#${seq}`, now);
        return target.publish(subject, data, options);
      };
    },
  });
}

/**
 * Peer publish to SQLite commit, end to end: `peers` outboxes filled with generated events, published by
 * the peer's own EventPublisher through a real nats-server, stored by the coordinator's own ingest.
 */
export async function benchIngest(events: number, peers = 10): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-ingest-'));
  const nats = await NatsServer.start();
  try {
    const perPeer = Math.ceil(events / peers);
    const streams = Array.from({ length: peers }, (_, i) =>
      generateStream(`bench/server${i + 1}`, perPeer, 5 + i).slice(0, perPeer),
    );
    const all = streams.flat();
    const raw = await rawInserts(dir, all);
    const nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc);
    const dataSource = await openDataSource({ path: join(dir, 'events.sqlite') });
    const store = new EventStore(dataSource);
    const ingest = new EventIngest(nc, store, quiet);
    await ingest.start();
    const sentAt = new Map<string, number>();
    const js = timedPublisher(nc.jetstream(), sentAt);
    const publishers = streams.map((stream, i) => {
      const outbox = new Outbox(join(dir, `peer-${i + 1}`));
      // Decisions are a few events each; the outbox records them as the peer would.
      for (let at = 0; at < stream.length; at += 5) outbox.append(stream.slice(at, at + 5));
      return new EventPublisher(nc, js, outbox, eventSubject('bench', `server${i + 1}`), quiet);
    });
    const latencies: number[] = [];
    const committed = new Map<string, number>();
    const start = process.hrtime.bigint();
    for (const publisher of publishers) publisher.kick();
    for (let stored = 0; stored < all.length;) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const now = performance.now();
      stored = 0;
      for (const head of await store.streams()) {
        for (let seq = (committed.get(head.stream) ?? 0) + 1; seq <= head.lastSeq; seq += 1)
          latencies.push(now - (sentAt.get(`${head.stream}#${seq}`) ?? now));
        committed.set(head.stream, head.lastSeq);
        stored += head.lastSeq;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    publishers.forEach((p) => p.stop());
    await ingest.stop();
    await nc.close();
    await dataSource.destroy();
    const rate = Math.round(all.length / seconds);
    return {
      events: all.length,
      peers,
      rawInsertsPerSecond: raw.rate,
      rawBatchRows: raw.batch,
      ingestEventsPerSecond: rate,
      ratio: Math.round((rate / raw.rate) * 1000) / 1000,
      p50PublishToCommitMs: Math.round(percentile(latencies, 50)),
      p99PublishToCommitMs: Math.round(percentile(latencies, 99)),
    };
  } finally {
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
