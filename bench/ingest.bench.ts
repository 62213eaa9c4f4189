import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Controller, Module } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { EventStore, ingestItems, openDataSource } from '@haco/event-store';
import { startIngestMicroservice } from '../tools/harness/ingest-microservice';
import { makeCertificates } from '../tools/harness/certificates';
import { NatsServer } from '../tools/harness/nats-server';
import { own } from '../tools/harness/processes';
import type { IngestBatch } from '@haco/nats';
import { ensureEventsStream, INGEST_BATCH_PATTERN } from '@haco/nats';
import type { SentBatch } from './peer-publisher';
import { benchStreams, epochMs } from './peer-publisher';
import { percentile, quiet } from './measure';
import type { BenchStores, StoreKind } from './bench-stores';
import { benchStores } from './bench-stores';

/*
 * Longer than 250 lines because one measure reads in one place: its phases, the ingest they drive and
 * the latencies taken from them (the raw baseline it is compared with is in bench-stores.ts).
 */
export interface PacedIngest {
  /** Events/s appended over all peers, and what was stored per second over the phase. */
  readonly rate: number;
  readonly events: number;
  readonly storedPerSecond: number;
  /** From each event's append to the peer's outbox to the first commit that holds it. */
  readonly p50AppendToCommitMs: number;
  readonly p99AppendToCommitMs: number;
  readonly maxAppendToCommitMs: number;
}

/** One round: raw inserts of the burst's rows, then the burst itself, one right after the other. */
export interface IngestRound {
  readonly rawInsertsPerSecond: number;
  readonly rawBatchRows: number;
  readonly ingestEventsPerSecond: number;
  readonly ratio: number;
  /** In the burst, from when each batch left its peer; queueing behind the burst included. */
  readonly p50PublishToCommitMs: number;
  readonly p99PublishToCommitMs: number;
}

export interface IngestResult extends IngestRound {
  /** SQLite or PostgreSQL: the store ingest and the raw inserts both wrote to. */
  readonly store: string;
  readonly events: number;
  readonly peers: number;
  /** Every round; the fields above are the median round's (by ratio). */
  readonly rounds: readonly IngestRound[];
  readonly paced: PacedIngest;
}

/** The paced phase's length: long enough for a steady state, short enough to rerun often. */
const PACED_SECONDS = 10;

/** Starts the peers' process and resolves once it is ready to publish. */
async function startPeers(
  url: string,
  dir: string,
  cluster: string,
  peers: number,
  perPeer: number,
  mode: string,
  ca: string | null,
) {
  const child = own(
    spawn(
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
        cluster,
        String(peers),
        String(perPeer),
        mode,
      ],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, ...(ca === null ? {} : { HACO_BENCH_NATS_CA: ca }) },
      },
    ),
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
 * One phase: a process of `peers` peers publishes `perPeer` events each (as `mode` says) while the store's
 * stream heads are watched every 5 ms; returns the phase's length and each event's latency to its commit.
 */
async function runPhase(
  nats: BenchNats,
  dir: string,
  store: EventStore,
  phase: { cluster: string; peers: number; perPeer: number; mode: string },
): Promise<{ seconds: number; latencies: number[] }> {
  const publishers = await startPeers(
    nats.server.url,
    dir,
    phase.cluster,
    phase.peers,
    phase.perPeer,
    phase.mode,
    nats.ca,
  );
  try {
    const total = phase.peers * phase.perPeer;
    const committedAt = new Map<string, [seq: number, at: number][]>();
    const start = epochMs();
    publishers.go();
    for (let stored = 0; stored < total;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const now = epochMs();
      stored = 0;
      for (const head of await store.streams()) {
        if (!head.stream.startsWith(`${phase.cluster}/`)) continue;
        const marks = committedAt.get(head.stream) ?? [];
        if ((marks[marks.length - 1]?.[0] ?? 0) < head.lastSeq) marks.push([head.lastSeq, now]);
        committedAt.set(head.stream, marks);
        stored += head.lastSeq;
      }
    }
    const seconds = (epochMs() - start) / 1000;
    return { seconds, latencies: publishToCommit(await publishers.sent(), committedAt) };
  } finally {
    await publishers.stop();
  }
}

/**
 * The coordinator's ingest path as a Nest microservice: the JetStream transport it runs, and a handler
 * doing what its IngestController does with each group (the envelope checks and the store's one commit),
 * less the counters for /metrics.
 */
async function startIngest(nc: NatsConnection, store: EventStore) {
  @Controller()
  class BenchIngestController {
    @EventPattern(INGEST_BATCH_PATTERN)
    async commit(batch: IngestBatch): Promise<void> {
      await store.ingest(
        batch.messages.flatMap((message) => ingestItems(message.subject, message.text)),
        batch.receivedAt,
      );
    }
  }
  @Module({ controllers: [BenchIngestController] })
  class BenchIngestModule {}
  return startIngestMicroservice(BenchIngestModule, nc, quiet);
}

/**
 * Runs `phase` against the coordinator's ingest storing into an empty event log of its own, as the raw
 * inserts it is compared with do: an insert into a log that already holds earlier phases' rows costs more
 * (their timestamps repeat, so the (type, at) index takes every row in its middle), which would tilt the
 * ratio against the later rounds.
 */
async function withFreshStore<T>(
  nc: NatsConnection,
  stores: BenchStores,
  name: string,
  phase: (store: EventStore) => Promise<T>,
): Promise<T> {
  const dataSource = await openDataSource(await stores.fresh(name));
  const store = new EventStore(dataSource);
  const ingest = await startIngest(nc, store);
  try {
    return await phase(store);
  } finally {
    await ingest.close();
    await dataSource.destroy();
  }
}

/**
 * Peer publish to the store's commit (SQLite, or PostgreSQL with `kind`), end to end: a process of `peers` peers publishing their outboxes with the
 * peer's own EventPublisher through a real nats-server, stored by the coordinator's own ingest in this one.
 * After an unmeasured warm-up burst, `rounds` times raw inserts of a burst's rows and then that burst of
 * `events` (throughput, as a ratio to the raw inserts measured just before, so a machine that slows down
 * or speeds up between rounds moves both); then `pacedRate` events/s for a few seconds (latency at a
 * steady load).
 */
export async function benchIngest(
  events: number,
  pacedRate: number,
  rounds = 3,
  kind: StoreKind = 'sqlite',
  peers = 10,
  tls = false,
): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-ingest-'));
  const nats = await benchNats(dir, tls);
  const stores = await benchStores(kind, dir);
  try {
    const perPeer = Math.ceil(events / peers);
    const nc = await connect({
      servers: nats.server.url,
      ...(nats.ca === null ? {} : { tls: { caFile: nats.ca } }),
    });
    await ensureEventsStream(nc, { replicas: 1 });
    // A running coordinator's ingest is warm (JIT-compiled, consumer set up); raw inserts warm up on their
    // first batch size. One burst of a fifth of the size, on its own store, is not measured.
    await withFreshStore(nc, stores, 'warm-up', (store) =>
      runPhase(nats, dir, store, {
        cluster: 'warm-up',
        peers,
        perPeer: Math.ceil(perPeer / 5),
        mode: 'burst',
      }),
    );
    const measured: IngestRound[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const cluster = `bench${round}`;
      const raw = await stores.raw(benchStreams(peers, perPeer, cluster).flat());
      const burst = await withFreshStore(nc, stores, cluster, (store) =>
        runPhase(nats, dir, store, { cluster, peers, perPeer, mode: 'burst' }),
      );
      const rate = Math.round((perPeer * peers) / burst.seconds);
      measured.push({
        rawInsertsPerSecond: raw.rate,
        rawBatchRows: raw.batch,
        ingestEventsPerSecond: rate,
        ratio: Math.round((rate / raw.rate) * 1000) / 1000,
        p50PublishToCommitMs: Math.round(percentile(burst.latencies, 50)),
        p99PublishToCommitMs: Math.round(percentile(burst.latencies, 99)),
      });
    }
    const pacedPerPeer = Math.ceil((pacedRate * PACED_SECONDS) / peers);
    const paced = await withFreshStore(nc, stores, 'paced', (store) =>
      runPhase(nats, dir, store, {
        cluster: 'paced',
        peers,
        perPeer: pacedPerPeer,
        mode: `paced:${pacedRate}`,
      }),
    );
    await nc.close();
    const median = [...measured].sort((a, b) => a.ratio - b.ratio)[Math.floor((measured.length - 1) / 2)];
    return {
      ...median,
      store: stores.label,
      events: perPeer * peers,
      peers,
      rounds: measured,
      paced: {
        rate: pacedRate,
        events: pacedPerPeer * peers,
        storedPerSecond: Math.round((pacedPerPeer * peers) / paced.seconds),
        p50AppendToCommitMs: Math.round(percentile(paced.latencies, 50)),
        p99AppendToCommitMs: Math.round(percentile(paced.latencies, 99)),
        maxAppendToCommitMs: Math.round(Math.max(...paced.latencies)),
      },
    };
  } finally {
    await nats.server.destroy();
    await stores.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface BenchNats {
  readonly server: NatsServer;
  /** The CA that signed its certificate, when it requires TLS. */
  readonly ca: string | null;
}

/** The bench's nats-server; with `tls`, one that requires TLS (a CA and certificate made with openssl). */
async function benchNats(dir: string, tls: boolean): Promise<BenchNats> {
  if (!tls) return { server: await NatsServer.start(), ca: null };
  const certificates = makeCertificates(join(dir, 'tls'), 'bench');
  const server = await NatsServer.start(
    (port, storeDir) =>
      `port: ${port}\njetstream { store_dir: "${storeDir}" }\ntls { cert_file: "${certificates.cert}", key_file: "${certificates.key}" }\n`,
  );
  return { server, ca: certificates.ca };
}

/** For every event: from when its run left the peer (or was appended) to the first commit that holds it. */
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
