import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connect } from 'nats';
import { ensureEventsStream, eventSubject } from '@haco/contracts';
import { EventStore, openDataSource } from '@haco/event-store';
import { NatsServer } from '../test/support/nats-server';
import { generateStream } from '../test/support/stream-generator';
import { EventIngest } from '../apps/coordinator/src/ingest/event-ingest';

export interface IngestResult {
  readonly events: number;
  readonly rawInsertsPerSecond: number;
  readonly ingestEventsPerSecond: number;
  readonly ratio: number;
  readonly p50PublishToCommitMs: number;
  readonly p99PublishToCommitMs: number;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Raw better-sqlite3 batched inserts of the same rows, the physical limit ingest is compared with. */
function rawInserts(path: string, rows: ReturnType<typeof generateStream>): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, at TEXT NOT NULL, recorded_at TEXT NOT NULL,
    causation_id TEXT, correlation_id TEXT, UNIQUE (stream, seq))`);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const batch = db.transaction((chunk: typeof rows) => {
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
  for (let i = 0; i < rows.length; i += 256) batch(rows.slice(i, i + 256));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return Math.round(rows.length / seconds);
}

/** Peer-publish to SQLite-commit, end to end through a real nats-server and the coordinator's ingest. */
export async function benchIngest(events: number): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-ingest-'));
  const nats = await NatsServer.start();
  try {
    const envelopes = generateStream('bench/server1', events, 5).slice(0, events);
    const raw = rawInserts(join(dir, 'raw.sqlite'), envelopes);
    const nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc);
    const dataSource = await openDataSource({ path: join(dir, 'events.sqlite') });
    const store = new EventStore(dataSource);
    const ingest = new EventIngest(nc, store, quiet);
    await ingest.start();
    const js = nc.jetstream();
    const publishedAt = new Map<number, number>();
    const start = process.hrtime.bigint();
    const acks = envelopes.map((e) => {
      publishedAt.set(e.seq, performance.now());
      return js.publish(eventSubject('bench', 'server1'), JSON.stringify(e), { msgID: e.id });
    });
    await Promise.all(acks);
    const latencies: number[] = [];
    let seen = 0;
    while (seen < envelopes.length) {
      const stored = await store.readStream('bench/server1', seen + 1, 5_000);
      const now = performance.now();
      for (const e of stored) latencies.push(now - (publishedAt.get(e.seq) ?? now));
      seen += stored.length;
      if (stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await ingest.stop();
    await nc.close();
    await dataSource.destroy();
    const rate = Math.round(envelopes.length / seconds);
    return {
      events: envelopes.length,
      rawInsertsPerSecond: raw,
      ingestEventsPerSecond: rate,
      ratio: Math.round((rate / raw) * 1000) / 1000,
      p50PublishToCommitMs: Math.round(percentile(latencies, 50)),
      p99PublishToCommitMs: Math.round(percentile(latencies, 99)),
    };
  } finally {
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
