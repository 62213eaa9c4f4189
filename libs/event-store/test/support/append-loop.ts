import type { EventStoreOptions } from '../../src';
import { EventStore, openDataSource } from '../../src';

/**
 * Another process writing the same event log: prints "ready" once the log is open, appends `count` events
 * to `stream` as fast as it can, then prints "done" (or the first error) and exits.
 * argv: STORE-OPTIONS-JSON STREAM COUNT.
 */
async function main([options, stream, count]: string[]): Promise<void> {
  const dataSource = await openDataSource(JSON.parse(options) as EventStoreOptions);
  const store = new EventStore(dataSource);
  process.stdout.write('ready\n');
  try {
    for (let i = 1; i <= Number(count); i += 1) {
      const at = new Date(Date.UTC(2026, 10, 25, 3, 0, 0, i)).toISOString();
      await store.appendNext(stream, { type: 'Noted', data: { text: `${i}` } }, { id: `${stream}-${i}`, at });
    }
    process.stdout.write('done\n');
  } catch (error) {
    process.stdout.write(`error: ${(error as Error).message}\n`);
  } finally {
    await dataSource.destroy();
  }
}

void main(process.argv.slice(2));
