import { CliError } from './api-client';

/** A stream's events as JSON lines, read page by page from a local event log (`--db`). */
export async function exportStream(stream: string, db: string): Promise<number> {
  // The store (TypeORM, SQLite) loads only for the offline commands.
  const { EventStore, exportLines, openDataSource } = await import('@haco/event-store');
  const dataSource = await openDataSource({ path: db, readOnly: true }).catch((error: Error) => {
    throw new CliError(`cannot open ${db}: ${error.message}`, 2);
  });
  try {
    const store = new EventStore(dataSource);
    if ((await store.readStream(stream, 1, 1)).length === 0)
      throw new CliError(`no events in stream ${stream}`);
    await exportLines(store, stream, process.stdout);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
