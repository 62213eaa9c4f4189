import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect } from 'nats';
import type { EventEnvelope } from '@haco/contracts';
import { ensureEventsStream } from '@haco/contracts';
import { EventStore, openDataSource } from '@haco/event-store';
import { NatsServer } from '../test/support/nats-server';
import { EventIngest } from '../apps/coordinator/src/ingest/event-ingest';
import type { SentBatch } from './peer-publisher';
import { benchStreams, epochMs } from './peer-publisher';
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

/** Starts the peers' process and resolves once its outboxes are filled. */
async function startPeers(url: string, dir: string, peers: number, perPeer: number) {
  const child = spawn(
    process.execPath,
    [
      // HACO_BENCH_PROFILE=DIR writes a CPU profile of the peers' process there.
      ...(process.env.HACO_BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HACO_BENCH_PROFILE}`]
        : []),
      '--import',
      'tsx',
      join(__dirname, 'peer-publisher.ts'),
      url,
      dir,
      String(peers),
      String(perPeer),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`the peers' process did not start: ${String(first.value)}`);
  return {
    go: () => child.stdin.write('go\n'),
    sent: async (): Promise<SentBatch[]> => JSON.parse(String((await lines.next()).value)) as SentBatch[],
    /** It exits by itself once it has reported; killed if it does not within 5 s. */
    stop: async () => {
      if (child.exitCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
    },
  };
}

/**
 * Peer publish to SQLite commit, end to end: a process of `peers` peers publishing their outboxes with the
 * peer's own EventPublisher through a real nats-server, stored by the coordinator's own ingest in this one.
 */
export async function benchIngest(events: number, peers = 10): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-ingest-'));
  const nats = await NatsServer.start();
  let publishers: Awaited<ReturnType<typeof startPeers>> | undefined;
  try {
    const perPeer = Math.ceil(events / peers);
    const all = benchStreams(peers, perPeer).flat();
    const raw = await rawInserts(dir, all);
    const nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc);
    const dataSource = await openDataSource({ path: join(dir, 'events.sqlite') });
    const store = new EventStore(dataSource);
    const ingest = new EventIngest(nc, store, quiet);
    await ingest.start();
    publishers = await startPeers(nats.url, dir, peers, perPeer);
    const committedAt = new Map<string, [seq: number, at: number][]>();
    const start = epochMs();
    publishers.go();
    for (let stored = 0; stored < all.length;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const now = epochMs();
      stored = 0;
      for (const head of await store.streams()) {
        const marks = committedAt.get(head.stream) ?? [];
        if ((marks[marks.length - 1]?.[0] ?? 0) < head.lastSeq) marks.push([head.lastSeq, now]);
        committedAt.set(head.stream, marks);
        stored += head.lastSeq;
      }
    }
    const seconds = (epochMs() - start) / 1000;
    const latencies = publishToCommit(await publishers.sent(), committedAt);
    await publishers.stop();
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
    await publishers?.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For every event: from when its batch left the peer to the first commit seen that includes it. */
function publishToCommit(sent: readonly SentBatch[], committedAt: Map<string, [number, number][]>): number[] {
  const latencies: number[] = [];
  for (const [stream, from, to, at] of sent) {
    const marks = committedAt.get(stream) ?? [];
    for (let seq = from; seq <= to; seq += 1) {
      const mark = marks.find(([upTo]) => upTo >= seq);
      if (mark !== undefined) latencies.push(mark[1] - at);
    }
  }
  return latencies;
}
