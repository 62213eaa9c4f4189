import { writeFileSync } from 'node:fs';
import { EventStore, openDataSource, verifyStoredStreams } from '@haco/event-store';

/**
 * The replay bench's own process: what `replay --verify` does over a store (the read-only store and the
 * same verification of every stream, less the printing), then its time and its whole life's peak RSS
 * (nothing else ran in it). argv: DB RESULT_FILE.
 */
async function main([db, resultFile]: string[]): Promise<void> {
  const start = process.hrtime.bigint();
  const dataSource = await openDataSource({ path: db, readOnly: true });
  let code = 0;
  for await (const { report } of verifyStoredStreams(new EventStore(dataSource))) {
    if (report.divergence !== null) code = 1;
  }
  await dataSource.destroy();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  writeFileSync(resultFile, JSON.stringify({ code, seconds, peakRssMiB }));
}

if (require.main === module) void main(process.argv.slice(2));
