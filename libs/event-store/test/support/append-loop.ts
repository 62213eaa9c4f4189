import { EventStore, openDataSource } from '../../src';

/**
 * Another process writing the same event log: prints "ready" once the log is open, appends `count` events
 * to `stream` as fast as it can, then prints "done" (or the first error) and exits. argv: FILE STREAM COUNT.
 */
async function main([path, stream, count]: string[]): Promise<void> {
  const dataSource = await openDataSource({ path });
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
