import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@haco/contracts';
import type { UnchainedEnvelope } from '@haco/contracts';
import { chainEnvelopes, GENESIS_HASH, toEnvelope } from '@haco/contracts';
import type { HaInput } from '@haco/ha-core';
import { HaService, parseHaConfig } from '@haco/ha-core';
import { compactStream, EventStore, openDataSource, verifyFromSnapshot } from '@haco/event-store';
import { percentile, round } from './measure';

const CONFIG = parseHaConfig([
  {
    'this-server-name': 'server1',
    mode: 'load-balancing',
    'heartbeat-delay': 1000,
    peers: [
      { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
      { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
    ],
  },
]);

/** One peer's hour at a 1 s heartbeat, made by the real state machine: its partner answers every time. */
function peerHour(stream: string, startMs: number, seconds: number): EventEnvelope[] {
  const service = new HaService();
  const envelopes: UnchainedEnvelope[] = [];
  const feed = (input: HaInput, cause: string) => {
    for (const event of service.handle(input)) {
      const seq = envelopes.length + 1;
      const at = new Date(input.at).toISOString();
      envelopes.push(toEnvelope(event, { id: `${stream}#${seq}`, stream, seq, at, causationId: cause }));
    }
  };
  feed({ type: 'start', at: startMs, config: CONFIG }, `${stream}/start`);
  const partner = ['waiting', 'syncing', 'ready', 'load-balancing'] as const;
  for (let second = 1; second <= seconds; second += 1) {
    while (service.state?.pendingCall) {
      feed(
        {
          type: 'partner-call-completed',
          at: startMs + second * 1000,
          outcome: { transportFailed: false, result: 0, text: '' },
        },
        `${stream}/call-${second}`,
      );
    }
    const state = partner[Math.min(partner.length - 1, Math.floor(second / 3))];
    feed(
      {
        type: 'heartbeat-completed',
        at: startMs + second * 1000,
        result: { ok: true, partnerState: state, scopes: [], unsentUpdateCount: 0, clockSkewSeconds: 0 },
      },
      `${stream}/hb-${second}`,
    );
  }
  return chainEnvelopes(GENESIS_HASH, envelopes).envelopes;
}

/** What SQLite holds in use (the file less its free pages): deleted rows leave free pages until a VACUUM. */
async function usedBytes(
  store: EventStore,
  dataSource: Awaited<ReturnType<typeof openDataSource>>,
): Promise<number> {
  void store;
  const [page] = (await dataSource.query('PRAGMA page_size')) as { page_size: number }[];
  const [count] = (await dataSource.query('PRAGMA page_count')) as { page_count: number }[];
  const [free] = (await dataSource.query('PRAGMA freelist_count')) as { freelist_count: number }[];
  return (count.page_count - free.freelist_count) * page.page_size;
}

function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).size;
  return readdirSync(dir).reduce((n, name) => n + folderBytes(join(dir, name)), 0);
}

export interface RetentionResult {
  readonly pairs: number;
  readonly measuredSeconds: number;
  readonly eventsPerHour: number;
  /** Measured over the simulated span, scaled to an hour. */
  readonly logBytesPerHour: number;
  /** What stays in the log once heartbeat outcomes are archived (transitions, starts...). */
  readonly keptBytesPerHour: number;
  readonly archiveBytesPerHour: number;
  /** A week without retention, and with `heartbeats: "1d"` (six days archived), from the measured rates. */
  readonly weekWithoutRetentionBytes: number;
  readonly weekWithRetentionBytes: number;
  readonly weekArchiveBytes: number;
  /** Ingest's rate while a compaction runs, over its rate alone (same store, same run). */
  readonly ingestRatioDuringCompaction: number;
  readonly ingestP99BatchMsAlone: number;
  readonly ingestP99BatchMsDuringCompaction: number;
}

async function ingestTimed(
  store: EventStore,
  envelopes: readonly EventEnvelope[],
): Promise<{ seconds: number; batchMs: number[] }> {
  const batchMs: number[] = [];
  const start = performance.now();
  for (let at = 0; at < envelopes.length; at += 500) {
    const t = performance.now();
    await store.ingest(
      envelopes.slice(at, at + 500).map((envelope) => ({ subject: 'bench', envelope })),
      envelopes[at].at,
    );
    batchMs.push(performance.now() - t);
  }
  return { seconds: (performance.now() - start) / 1000, batchMs };
}

/**
 * A bounded log: `pairs` pairs (two peers each) at 1 s heartbeats for `seconds` simulated seconds, stored,
 * snapshotted, then compacted; a week is projected from the measured per-hour sizes. Beside it, ingest's
 * rate with a compaction running against its rate alone.
 */
export async function benchRetention(pairs: number, seconds: number): Promise<RetentionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-retention-'));
  const archiveDir = join(dir, 'archive');
  const dataSource = await openDataSource({ path: join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  const store = new EventStore(dataSource);
  try {
    const start = Date.parse('2026-11-01T00:00:00Z');
    const template = peerHour('t/server1', start, seconds);
    const streams = Array.from(
      { length: pairs * 2 },
      (_, i) => `week${Math.floor(i / 2)}/server${(i % 2) + 1}`,
    );
    for (const stream of streams) {
      const envelopes = template.map((e) => ({
        ...e,
        stream,
        id: `${stream}#${e.seq}`,
        causationId: `${stream}/${e.causationId}`,
      }));
      for (let at = 0; at < envelopes.length; at += 5_000) {
        await store.ingest(
          envelopes.slice(at, at + 5_000).map((envelope) => ({ subject: 'bench', envelope })),
          envelopes[at].at,
        );
      }
    }
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const hours = seconds / 3600;
    const logBytes = await usedBytes(store, dataSource);
    for (const stream of streams) await verifyFromSnapshot(store, stream, { snapshotEvery: 1 });

    // Ingest alone, then the same amount while the first streams are compacted.
    const fresh = (name: string) =>
      peerHour(name, start, 20_000).map((e) => ({ ...e, causationId: `${name}/${e.causationId}` }));
    const alone = await ingestTimed(store, fresh('alone/server1'));
    const policy = { heartbeatsMs: 0, archiveDir, batch: 500 };
    let compactionRunning = true;
    const compacting = (async () => {
      for (const stream of streams)
        await compactStream(store, stream, policy, Date.parse('2026-12-01T00:00:00Z'));
      compactionRunning = false;
    })();
    const during = await ingestTimed(store, fresh('during/server1'));
    const overlapped = compactionRunning;
    await compacting;
    if (!overlapped) throw new Error('the compaction ended before the ingest it was to slow: simulate more');
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const keptBytes = await usedBytes(store, dataSource);
    const archiveBytes = folderBytes(archiveDir);
    const perHour = (bytes: number) => Math.round(bytes / hours);
    return {
      pairs,
      measuredSeconds: seconds,
      eventsPerHour: Math.round((template.length * streams.length) / hours),
      logBytesPerHour: perHour(logBytes),
      keptBytesPerHour: perHour(keptBytes),
      archiveBytesPerHour: perHour(archiveBytes),
      weekWithoutRetentionBytes: perHour(logBytes) * 168,
      weekWithRetentionBytes: perHour(logBytes) * 24 + perHour(keptBytes) * 144,
      weekArchiveBytes: perHour(archiveBytes) * 144,
      ingestRatioDuringCompaction: round(alone.seconds / during.seconds, 2),
      ingestP99BatchMsAlone: round(percentile(alone.batchMs, 99)),
      ingestP99BatchMsDuringCompaction: round(percentile(during.batchMs, 99)),
    };
  } finally {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

export function retentionRows(r: RetentionResult): [string, string, string, string][] {
  return [
    [
      `retention: ${r.pairs} pairs, 1 s heartbeats (${r.measuredSeconds} s simulated)`,
      `${r.eventsPerHour.toLocaleString('en-US')} events/h; log ${mib(r.logBytesPerHour)}/h, kept after archiving ${mib(r.keptBytesPerHour)}/h, archive ${mib(r.archiveBytesPerHour)}/h`,
      '',
      '',
    ],
    [
      '  a week, without and with heartbeats: "1d"',
      `${mib(r.weekWithoutRetentionBytes)} against ${mib(r.weekWithRetentionBytes)} in the log (+ ${mib(r.weekArchiveBytes)} archived)`,
      '',
      '',
    ],
    [
      '  ingest while a compaction runs',
      `${r.ingestRatioDuringCompaction} of its rate alone; p99 batch ${r.ingestP99BatchMsDuringCompaction} ms (alone ${r.ingestP99BatchMsAlone} ms)`,
      '',
      '',
    ],
  ];
}
