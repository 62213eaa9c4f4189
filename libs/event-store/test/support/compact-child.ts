import type { EventStoreOptions } from '../../src';
import { compactStream, EventStore, openDataSource } from '../../src';

/**
 * A compaction run in a process of its own, for a test to kill -9 at any moment:
 * `compact-child.ts STORE-OPTIONS-JSON STREAM ARCHIVE-DIR NOW-ISO`. It prints each segment it retires.
 */
async function main(): Promise<void> {
  const [optionsJson, stream, archiveDir, now] = process.argv.slice(2);
  const dataSource = await openDataSource(JSON.parse(optionsJson) as EventStoreOptions);
  const store = new EventStore(dataSource);
  const policy = { heartbeatsMs: 86_400_000, archiveDir, batch: 50 };
  for (;;) {
    const done = await compactStream(store, stream, policy, Date.parse(now), 1);
    if (done.segments === 0) break;
    process.stdout.write(`segment ${done.events}\n`);
  }
  process.stdout.write('done\n');
  await dataSource.destroy();
}

void main();
