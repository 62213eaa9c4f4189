import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { EventStore, isPeerStream, openDataSource, verifyFromSnapshot } from '@haco/event-store';

/**
 * The replay bench's own process, so that its time and peak RSS are its own. argv: MODE DB RESULT_FILE.
 * `replay`: what `replay --verify --from-start` does over a store (every stream re-decided from its first
 * event, the running hash kept), less the printing. `raw`: the raw limit in the same conditions, the same
 * rows read with better-sqlite3 and their JSON parsed, nothing folded or decided.
 */
async function main([mode, db, resultFile]: string[]): Promise<void> {
  const start = process.hrtime.bigint();
  let code = 0;
  let events = 0;
  if (mode === 'raw') {
    const sqlite = new Database(db, { readonly: true });
    const streams = sqlite.prepare('SELECT stream FROM stream_heads').all() as { stream: string }[];
    const read = sqlite.prepare('SELECT * FROM events WHERE stream = ? ORDER BY seq');
    for (const { stream } of streams) {
      for (const row of read.iterate(stream) as Iterable<{ data: string }>) {
        if (typeof JSON.parse(row.data) === 'object') events += 1;
      }
    }
    sqlite.close();
  } else {
    const dataSource = await openDataSource({ path: db, readOnly: true });
    const store = new EventStore(dataSource);
    for (const { stream } of (await store.streams()).filter((head) => isPeerStream(head.stream))) {
      const { report } = await verifyFromSnapshot(store, stream, { fromStart: true });
      if (report.divergence !== null) code = 1;
      events += report.events;
    }
    await dataSource.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  writeFileSync(resultFile, JSON.stringify({ code, seconds, peakRssMiB, events }));
}

if (require.main === module) void main(process.argv.slice(2));
