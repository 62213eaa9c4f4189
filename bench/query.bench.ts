import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStoreOptions } from '@haco/event-store';
import { EventStore, openDataSource } from '@haco/event-store';
import type { StoreKind } from './bench-stores';
import { benchStores } from './bench-stores';
import { CoordinatorProcess } from '../tools/harness/coordinator-process';
import { NatsServer } from '../tools/harness/nats-server';
import { generateStream } from '../tools/harness/stream-generator';
import { consoleFirstPaintMs } from '../tools/harness/console-paint';
import { percentile, round } from './measure';

export interface QueryResult {
  /** The console's first paint over this log, in chromium, from its navigation's start. */
  readonly consoleFirstPaintMs: number;
  /** The first /peers after the coordinator started on this log: every peer's stream folded. */
  readonly firstPeersMs: number;
  readonly store: string;
  readonly events: number;
  readonly transitions: number;
  readonly buildSeconds: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Per filter; rows and total show each query found something to return. */
  readonly byFilter: Record<string, { p50Ms: number; p99Ms: number; meanRows: number; meanTotal: number }>;
}

const STREAM_EVENTS = 100_000;
const DAY_MS = 86_400_000;

/** The generated streams start at this instant and advance one second per input. */
const FIRST = Date.parse('2026-11-01T00:00:00Z');

/** The API's history filters, each as operators would use them against a large log. */
function filters(streams: number, round: number, commandIds: readonly string[]): Record<string, string> {
  const peer = `bench/server${(round % streams) + 1}`;
  const from = new Date(FIRST + ((round * 3_600_000) % DAY_MS)).toISOString();
  const to = new Date(Date.parse(from) + 3_600_000).toISOString();
  return {
    'latest page': '/history?limit=100',
    'one peer': `/history?peer=${encodeURIComponent(peer)}&limit=100`,
    'one peer, one hour': `/history?peer=${encodeURIComponent(peer)}&since=${from}&until=${to}`,
    'state partner-down, one hour': `/history?state=partner-down&since=${from}&until=${to}`,
    'cause command:ha-reset': '/history?cause=command%3Aha-reset&limit=50',
    'by command id': `/history?command=${encodeURIComponent(commandIds[round % commandIds.length])}`,
    'page 10 of one state': '/history?state=load-balancing&limit=100&offset=1000',
  };
}

/** Fills a store through the store's own write path with `events` generated events, 100,000 per peer. */
async function buildStore(
  options: EventStoreOptions,
  events: number,
): Promise<{ streams: number; transitions: number }> {
  const dataSource = await openDataSource(options);
  const store = new EventStore(dataSource);
  const streams = Math.max(1, Math.ceil(events / STREAM_EVENTS));
  for (let i = 0; i < streams; i += 1) {
    const envelopes = generateStream(`bench/server${i + 1}`, Math.min(STREAM_EVENTS, events), 100 + i).slice(
      0,
      Math.min(STREAM_EVENTS, events),
    );
    for (let at = 0; at < envelopes.length; at += 5_000) {
      await store.ingest(
        envelopes.slice(at, at + 5_000).map((envelope) => ({ subject: 'bench', envelope })),
        envelopes[at].at,
      );
    }
    if ((i + 1) % 10 === 0) process.stderr.write(`  query bench: ${(i + 1) * STREAM_EVENTS} events stored\n`);
  }
  const transitions = (await dataSource.query('SELECT COUNT(*) AS n FROM transitions')) as { n: number }[];
  if (options.type === 'postgres') await dataSource.query('VACUUM ANALYZE');
  else {
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    await dataSource.query('ANALYZE');
  }
  await dataSource.destroy();
  return { streams, transitions: transitions[0].n };
}

/**
 * History query latency through the real coordinator's HTTP API over a store of `events` events, each of
 * the API's filters asked `rounds` times (client-side time, loopback).
 */
export async function benchQuery(
  events: number,
  kind: StoreKind = 'sqlite',
  rounds = 100,
): Promise<QueryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-query-'));
  const nats = await NatsServer.start();
  const stores = await benchStores(kind, dir);
  let coordinator: CoordinatorProcess | null = null;
  try {
    const options = await stores.fresh('query');
    const started = performance.now();
    const { streams, transitions } = await buildStore(options, events);
    const buildSeconds = round((performance.now() - started) / 1000);
    coordinator = await CoordinatorProcess.start(
      nats.url,
      options.type === 'postgres' ? (options.url ?? '') : options.path,
    );
    // Ids of commands that did cause transitions, as an operator following up a command would ask.
    const caused = (await (
      await fetch(`${coordinator.url}/history?cause=command%3Aha-reset&limit=${rounds}`)
    ).json()) as { transitions: { commandId: string | null }[] };
    const commandIds = caused.transitions.flatMap((t) => (t.commandId === null ? [] : [t.commandId]));
    if (commandIds.length === 0) throw new Error('query bench: no command caused a transition');
    const samples = new Map<string, number[]>();
    const found = new Map<string, { rows: number; total: number }[]>();
    for (let r = 0; r < rounds; r += 1) {
      for (const [name, query] of Object.entries(filters(streams, r, commandIds))) {
        const t0 = performance.now();
        const response = await fetch(`${coordinator.url}${query}`);
        if (!response.ok) throw new Error(`${query}: HTTP ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { total: number; transitions: unknown[] };
        const ms = performance.now() - t0;
        // The first round warms the page cache and the prepared statements; it is not counted.
        if (r > 0) samples.set(name, [...(samples.get(name) ?? []), ms]);
        found.set(name, [...(found.get(name) ?? []), { rows: body.transitions.length, total: body.total }]);
      }
    }
    const empty = [...found].filter(([, f]) => f.every((x) => x.total === 0)).map(([name]) => name);
    // A filter that matches nothing times an empty answer: not a measure of the history query.
    if (empty.length > 0) throw new Error(`query bench: nothing matched ${empty.join(', ')}`);
    const all = [...samples.values()].flat();
    // The console over this log: its first picture comes from /peers, its live stream from the head. A
    // coordinator folds each peer's stream on its first read (then keeps it, with checkpoints): the first
    // /peers after a start is timed apart from a page load on a running coordinator.
    if (spawnSync('npm', ['run', '--silent', 'build:console']).status !== 0)
      throw new Error('console build failed');
    const t1 = performance.now();
    await (await fetch(`${coordinator.url}/peers`)).json();
    const firstPeersMs = round(performance.now() - t1);
    const consoleFirstPaint = round(
      await consoleFirstPaintMs(coordinator.url, '[data-peer="bench/server1"]'),
    );
    return {
      consoleFirstPaintMs: consoleFirstPaint,
      firstPeersMs,
      store: stores.label,
      events,
      transitions,
      buildSeconds,
      requests: all.length,
      p50Ms: round(percentile(all, 50)),
      p99Ms: round(percentile(all, 99)),
      maxMs: round(Math.max(...all)),
      byFilter: Object.fromEntries(
        [...samples].map(([name, ms]) => [
          name,
          {
            p50Ms: round(percentile(ms, 50)),
            p99Ms: round(percentile(ms, 99)),
            ...meanFound(found.get(name) ?? []),
          },
        ]),
      ),
    };
  } finally {
    await coordinator?.stop('SIGKILL');
    await nats.destroy();
    await stores.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

function meanFound(found: readonly { rows: number; total: number }[]) {
  const mean = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length));
  return { meanRows: mean(found.map((f) => f.rows)), meanTotal: mean(found.map((f) => f.total)) };
}
