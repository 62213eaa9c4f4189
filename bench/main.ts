import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchFailover } from './failover.bench';
import { benchIngest } from './ingest.bench';
import { benchKeaWatch, keaWatchRows } from './kea-watch.bench';
import { benchQuery } from './query.bench';
import { benchReplay, replayRows } from './replay.bench';
import { benchScale } from './scale.bench';
import { benchStartup } from './startup.bench';
import { startupRows } from './startup-rows';
import { benchRetention, retentionRows } from './retention.bench';
import { endOwnedOnSignal } from '../tools/harness/processes';

const USAGE = `usage: npm run bench [-- options]
  --only LIST            some of: ingest,ingest-tls,replay,query,failover,scale,kea-watch,startup,retention
                         (all by default)
  --store KIND           ingest and query: sqlite (default) or postgres (a PostgreSQL the bench starts)
  --events N             ingest: events published in each burst (default 300000)
  --ingest-rounds N      ingest: rounds of raw inserts then a burst (default 3; the median counts)
  --paced-rate N         ingest: events/s in the steady phase (default 5000)
  --replay-events N      replay: stream length (default 1000000)
  --query-events N       query: store size (default 10000000)
  --failover-trials N    failover: kill -9 trials (default 20)
  --pairs N              scale: pairs on one coordinator (default 100)
  --scale-seconds N      scale: measuring time (default 30)
  --watch-servers N      kea-watch: Kea-like servers one watcher follows (default 50)
  --watch-seconds N      kea-watch: measuring time (default 30)
  --startup-trials N     startup: starts of each (default 10)
  --retention-pairs N    retention: pairs stored (default 100)
  --retention-seconds N  retention: simulated seconds of 1 s heartbeats (default 3600)`;

type Row = [measure: string, value: string, target: string, met: string];
const fmt = (n: number) => n.toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

// prettier-ignore
const MEASURES = ['ingest', 'ingest-tls', 'replay', 'query', 'failover', 'scale', 'kea-watch', 'startup', 'retention'];
/** Every option the usage names, so that the two cannot drift apart. */
const OPTIONS = ['--help', ...(USAGE.match(/--[a-z-]+/g) ?? [])];

/**
 * `npm run bench`: every measure against the machine's own limits in the same run, printed as a table and
 * written to bench/results/latest.json. Not part of the test run.
 */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const option = (name: string, fallback: number) => {
    const index = argv.indexOf(name);
    if (index < 0) return fallback;
    const value = Number(argv[index + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number\n${USAGE}`);
    return value;
  };
  // A mistyped option or measure must not run the other measures for minutes, or none at all.
  const unknown = argv.filter((arg) => arg.startsWith('--') && !OPTIONS.includes(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(', ')}\n${USAGE}`);
  const onlyIndex = argv.indexOf('--only');
  const only = new Set(onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : MEASURES);
  const unknownMeasures = [...only].filter((name) => !MEASURES.includes(name));
  if (unknownMeasures.length > 0) {
    throw new Error(`--only: unknown measure ${unknownMeasures.join(', ')} (some of ${MEASURES.join(',')})`);
  }
  const storeIndex = argv.indexOf('--store');
  const store = storeIndex < 0 ? 'sqlite' : argv[storeIndex + 1];
  if (store !== 'sqlite' && store !== 'postgres')
    throw new Error(`--store must be sqlite or postgres\n${USAGE}`);
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, store };
  const rows: Row[] = [['measure', 'value', 'target', '']];
  /** Events per burst, paced rate and rounds: the same for the ingest with and without TLS. */
  const ingestOptions = (): [number, number, number] => [
    option('--events', 300_000),
    option('--paced-rate', 5_000),
    option('--ingest-rounds', 3),
  ];
  const step = (name: string) => process.stderr.write(`bench: ${name}\n`);

  if (only.has('replay')) {
    step('replay');
    const r = await benchReplay(option('--replay-events', 1_000_000));
    results['replay'] = r;
    rows.push(...replayRows(r));
  }
  if (only.has('startup')) {
    step('startup');
    const r = await benchStartup(option('--startup-trials', 10));
    results['startup'] = r;
    rows.push(...startupRows(r));
  }
  if (only.has('retention')) {
    step('retention');
    const r = await benchRetention(option('--retention-pairs', 100), option('--retention-seconds', 3_600));
    results['retention'] = r;
    rows.push(...retentionRows(r));
  }
  if (only.has('kea-watch')) {
    step('kea-watch');
    const r = await benchKeaWatch(option('--watch-servers', 50), 1_000, option('--watch-seconds', 30));
    results['kea-watch'] = r;
    rows.push(...keaWatchRows(r));
  }
  if (only.has('ingest')) {
    step('ingest');
    const r = await benchIngest(...ingestOptions(), store);
    results['ingest'] = r;
    rows.push(
      [
        `ingest: raw batched inserts, same ${r.store} schema`,
        `${fmt(r.rawInsertsPerSecond)} rows/s (${fmt(r.rawBatchRows)} per commit; the median round's)`,
        '',
        '',
      ],
      [
        `ingest: peer publish to ${r.store} commit`,
        `${fmt(r.ingestEventsPerSecond)} events/s, ${r.peers} peers: median ratio ${r.ratio} of ${r.rounds.length} rounds (${r.rounds.map((x) => x.ratio).join(', ')})`,
        '>= 0.5 of raw',
        verdict(r.ratio >= 0.5),
      ],
      [
        'ingest: publish-to-commit p50 / p99',
        `${r.p50PublishToCommitMs} / ${r.p99PublishToCommitMs} ms (the median round's burst of ${fmt(r.events)})`,
        '',
        '',
      ],
      [
        `ingest at ${fmt(r.paced.rate)} events/s: append to commit`,
        `p50 ${r.paced.p50AppendToCommitMs} / p99 ${r.paced.p99AppendToCommitMs} / max ${r.paced.maxAppendToCommitMs} ms; ${fmt(r.paced.storedPerSecond)} stored/s`,
        '',
        '',
      ],
    );
  }
  if (only.has('ingest-tls')) {
    // The same ingest with nats-server requiring TLS (peers and coordinator over TLS), each round again
    // against raw inserts measured just before it: the cost of TLS as the drop in the ratio.
    step('ingest over TLS NATS');
    const r = await benchIngest(...ingestOptions(), store, 10, true);
    results['ingest-tls'] = r;
    const plain = results['ingest'] as { ratio: number } | undefined;
    rows.push([
      `ingest over TLS NATS: peer publish to ${r.store} commit`,
      `${fmt(r.ingestEventsPerSecond)} events/s: median ratio ${r.ratio} of raw (${r.rounds.map((x) => x.ratio).join(', ')})${plain === undefined ? '' : `; ${plain.ratio} without TLS, same run`}`,
      '',
      '',
    ]);
  }
  if (only.has('query')) {
    step('query (building the store takes minutes at 10 M events)');
    const r = await benchQuery(option('--query-events', 10_000_000), store);
    results['query'] = r;
    rows.push(
      [
        `history query p50 / p99 / max (${r.store})`,
        `${r.p50Ms} / ${r.p99Ms} / ${r.maxMs} ms over ${fmt(r.events)} events (${fmt(r.transitions)} transitions)`,
        'p99 < 50 ms',
        verdict(r.p99Ms < 50),
      ],
      [
        `console first paint over ${fmt(r.events)} events (chromium)`,
        `${r.consoleFirstPaintMs} ms from navigation to the fleet's first card, on a running coordinator`,
        '< 2,000 ms',
        verdict(r.consoleFirstPaintMs < 2_000),
      ],
      [
        'first /peers after the coordinator started on it',
        `${fmt(r.firstPeersMs)} ms (every peer's stream folded; kept afterwards, with checkpoints)`,
        '',
        '',
      ],
      ...Object.entries(r.byFilter).map(([name, q]): Row => [
        `  ${name}`,
        `p50 ${q.p50Ms} / p99 ${q.p99Ms} ms; ${fmt(q.meanRows)} rows of ${fmt(q.meanTotal)} matching`,
        '',
        '',
      ]),
    );
  }
  if (only.has('failover')) {
    step('failover');
    const r = await benchFailover(option('--failover-trials', 20));
    results['failover'] = r;
    rows.push([
      'failover: kill -9 to partner-down',
      `min ${r.minMs} / p50 ${r.p50Ms} / p99 ${r.p99Ms} / max ${r.maxMs} ms over ${r.trials}`,
      `<= ${r.boundMs} ms (hb ${r.heartbeatDelayMs} + mrd ${r.maxResponseDelayMs})`,
      verdict(r.laterThanBound === 0),
    ]);
  }
  if (only.has('scale')) {
    step('scale');
    const r = await benchScale(option('--pairs', 100), option('--scale-seconds', 30));
    results['scale'] = r;
    rows.push(
      [
        'scale: peers on one coordinator',
        `${r.peers} (${r.pairs} pairs, heartbeat 1 s), ${r.eventsPerSecond} events/s`,
        '',
        '',
      ],
      [
        'scale: CPU / RSS per peer',
        `${r.cpuPercentPerPeer} % / ${r.rssMiBPerPeer} MiB (in ${r.hostProcesses} host processes)`,
        '',
        '',
      ],
      [
        'scale: coordinator CPU / RSS',
        `${r.coordinatorCpuPercent} % / ${r.coordinatorRssMiB} MiB; nats-server ${r.natsServerCpuPercent} %`,
        '',
        '',
      ],
      [
        'scale: ingest backlog / lag (max)',
        `${r.maxIngestPendingMessages} messages / ${r.maxIngestLagSeconds} s`,
        '',
        '',
      ],
    );
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    process.stdout.write(
      `${row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const unmet = rows.filter((row) => row[3] === verdict(false)).map((row) => row[0]);
  results['unmet'] = unmet;
  writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('written: bench/results/latest.json\n');
  if (unmet.length > 0) process.stdout.write(`targets not met: ${unmet.join('; ')}\n`);
  return unmet.length === 0 ? 0 : 1;
}

endOwnedOnSignal();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  },
);
