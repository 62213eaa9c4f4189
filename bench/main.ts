import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchIngest } from './ingest.bench';
import { benchReplay } from './replay.bench';

/**
 * `npm run bench [-- --events N --replay-events N]`: measures against the machine's own limits in the same
 * run and writes bench/results/latest.json. Not part of the test run.
 */
async function main(argv: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const index = argv.indexOf(name);
    return index >= 0 ? Number(argv[index + 1]) : fallback;
  };
  const replay = benchReplay(option('--replay-events', 1_000_000));
  const ingest = await benchIngest(option('--events', 20_000));
  const results = { at: new Date().toISOString(), node: process.version, replay, ingest };
  const table = [
    ['measure', 'value', 'target'],
    [
      'replay: fold through ha-core',
      `${replay.foldEventsPerSecond.toLocaleString()} events/s over ${replay.events.toLocaleString()}`,
      '>= 1,000,000/s',
    ],
    ['replay: re-decide and verify', `${replay.verifyEventsPerSecond.toLocaleString()} events/s`, ''],
    ['replay: peak RSS', `${replay.peakRssMiB} MiB`, ''],
    ['ingest: raw batched inserts', `${ingest.rawInsertsPerSecond.toLocaleString()} rows/s`, ''],
    [
      'ingest: publish to commit',
      `${ingest.ingestEventsPerSecond.toLocaleString()} events/s (ratio ${ingest.ratio})`,
      '>= 0.5 of raw',
    ],
    ['ingest: latency p50 / p99', `${ingest.p50PublishToCommitMs} / ${ingest.p99PublishToCommitMs} ms`, ''],
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`written: bench/results/latest.json\n`);
}

void main(process.argv.slice(2));
