import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve, StreamVerifier } from '@haco/ha-core';
import type { HaEvent, HaMachineState } from '@haco/ha-core';
import type { EventEnvelope } from '@haco/contracts';
import { EventStore, openDataSource, recordedEvents } from '@haco/event-store';
import { generateStream } from '../tools/harness/stream-generator';
import { round } from './measure';

export interface StoreReplay {
  readonly events: number;
  readonly eventsPerSecond: number;
  /** Of the whole `replay --verify` process, from start to exit. */
  readonly peakRssMiB: number;
  /** The raw limit measured in the same run: the same rows read and their JSON parsed, nothing decided. */
  readonly rawEventsPerSecond: number;
  readonly rawPeakRssMiB: number;
  /** replay's rate over the raw limit's; the target is at least 0.5. */
  readonly ratio: number;
  /** The same replay run again with V8's old space held to FLAT_HEAP_MIB: whether it completed. */
  readonly completesInFlatHeap: boolean;
}

/** A heap far below what the stream would take whole: a replay that completes within it reads in pages. */
export const FLAT_HEAP_MIB = 64;

export interface ReplayResult {
  readonly events: number;
  readonly foldEventsPerSecond: number;
  readonly verifyEventsPerSecond: number;
  /** This process's peak, holding the whole generated stream in memory besides the fold. */
  readonly inMemoryPeakRssMiB: number;
  /** `replay --verify` from SQLite files of a tenth of the stream and of all of it. */
  readonly fromStore: readonly StoreReplay[];
}

async function storeOf(path: string, envelopes: readonly EventEnvelope[]): Promise<void> {
  const dataSource = await openDataSource({ path });
  const store = new EventStore(dataSource);
  for (let at = 0; at < envelopes.length; at += 5_000)
    await store.ingest(
      envelopes.slice(at, at + 5_000).map((envelope) => ({ subject: 'bench', envelope })),
      envelopes[at].at,
    );
  await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  await dataSource.destroy();
}

interface ChildResult {
  readonly code: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly events: number;
}

/** With `heapMiB`, V8's old space is held to that: a replay that completes so keeps flat memory. */
function child(mode: 'replay' | 'raw', db: string, dir: string, heapMiB?: number): ChildResult {
  const resultFile = join(dir, `${mode}.json`);
  const heap = heapMiB === undefined ? [] : [`--max-old-space-size=${heapMiB}`];
  const run = spawnSync(
    process.execPath,
    [...heap, '--import', 'tsx', join(__dirname, 'replay-store-child.ts'), mode, db, resultFile],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (run.status !== 0) throw new Error(`${mode} process failed: ${run.stderr}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
}

/**
 * The real `replay --verify --from-start` in a process of its own (so that its peak RSS is its own), and
 * beside it its raw limit: the best of three of each, taken in turn.
 */
function replayProcess(db: string, events: number, dir: string): StoreReplay {
  let replay: ChildResult | null = null;
  let raw: ChildResult | null = null;
  for (let round = 0; round < 3; round += 1) {
    const r = child('raw', db, dir);
    if (raw === null || r.seconds < raw.seconds) raw = r;
    const v = child('replay', db, dir);
    if (v.code !== 0) throw new Error(`replay --verify did not verify ${events} events`);
    if (replay === null || v.seconds < replay.seconds) replay = v;
  }
  const eventsPerSecond = Math.round(events / replay!.seconds);
  const rawEventsPerSecond = Math.round(raw!.events / raw!.seconds);
  return {
    events,
    eventsPerSecond,
    peakRssMiB: replay!.peakRssMiB,
    rawEventsPerSecond,
    rawPeakRssMiB: raw!.peakRssMiB,
    ratio: Math.round((eventsPerSecond / rawEventsPerSecond) * 100) / 100,
    completesInFlatHeap: (() => {
      try {
        return child('replay', db, dir, FLAT_HEAP_MIB).code === 0;
      } catch {
        return false;
      }
    })(),
  };
}

/**
 * Folds and verifies a long generated peer stream through libs/ha-core in memory, then runs the real
 * `replay --verify` over SQLite stores of a tenth of it and of all of it.
 */
export async function benchReplay(events: number): Promise<ReplayResult> {
  const envelopes = generateStream('bench/server1', events, 11).slice(0, events);
  const recorded = recordedEvents(envelopes.map((e) => ({ ...e, data: e.data as Record<string, unknown> })));
  const t0 = process.hrtime.bigint();
  let state: HaMachineState | null = null;
  for (const r of recorded) state = evolve(state, r.event as HaEvent);
  const t1 = process.hrtime.bigint();
  const verifier = new StreamVerifier();
  verifier.push(recorded);
  const report = verifier.finish();
  const t2 = process.hrtime.bigint();
  if (report.divergence !== null) throw new Error(`generated stream diverged at ${report.divergence.seq}`);
  const inMemoryPeakRssMiB = round(process.resourceUsage().maxRSS / 1024, 0);
  const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-replay-'));
  try {
    const fromStore: StoreReplay[] = [];
    for (const size of [Math.ceil(events / 10), events]) {
      const db = join(dir, `replay-${size}.sqlite`);
      await storeOf(db, envelopes.slice(0, size));
      fromStore.push(replayProcess(db, size, dir));
    }
    return {
      events: recorded.length,
      foldEventsPerSecond: Math.round(recorded.length / seconds(t0, t1)),
      verifyEventsPerSecond: Math.round(recorded.length / seconds(t1, t2)),
      inMemoryPeakRssMiB,
      fromStore,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

/** The bench table's rows: replay in memory, then from SQLite beside its raw limit measured in the same run. */
export function replayRows(r: ReplayResult): [string, string, string, string][] {
  return [
    [
      'replay: fold through ha-core',
      `${fmt(r.foldEventsPerSecond)} events/s over ${fmt(r.events)}`,
      '>= 1,000,000/s',
      verdict(r.foldEventsPerSecond >= 1_000_000),
    ],
    ['replay: re-decide and verify', `${fmt(r.verifyEventsPerSecond)} events/s`, '', ''],
    ['replay: peak RSS, whole stream in memory', `${r.inMemoryPeakRssMiB} MiB`, '', ''],
    ...r.fromStore.flatMap((s): [string, string, string, string][] => [
      [
        `replay --verify --from-start from SQLite, ${fmt(s.events)}`,
        `${fmt(s.eventsPerSecond)} events/s, peak RSS ${s.peakRssMiB} MiB (whole process)`,
        `completes with a ${FLAT_HEAP_MIB} MiB heap`,
        verdict(s.completesInFlatHeap),
      ],
      [
        '  its raw limit (same rows read and parsed)',
        `${fmt(s.rawEventsPerSecond)} events/s, peak RSS ${s.rawPeakRssMiB} MiB; ratio ${s.ratio}`,
        '>= 0.5 of the limit',
        verdict(s.ratio >= 0.5),
      ],
    ]),
  ];
}
