import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './api-client';

/** A stream's events as JSON lines, read page by page from a local event log (`--db`). */
export async function exportStream(stream: string, db: string, archive?: string): Promise<number> {
  // The store (TypeORM, SQLite) loads only for the offline commands.
  const { EventStore, exportLines, openDataSource } = await import('@haco/event-store');
  const dataSource = await openDataSource({ path: db, readOnly: true }).catch((error: Error) => {
    throw new CliError(`cannot open ${db}: ${error.message}`, 2);
  });
  try {
    const store = new EventStore(dataSource);
    if ((await store.readStream(stream, 1, 1)).length === 0)
      throw new CliError(`no events in stream ${stream}`);
    // Retention's archive sits beside the SQLite file unless told otherwise.
    const archiveDir = archive ?? join(dirname(db), 'archive');
    await exportLines(store, stream, process.stdout, existsSync(archiveDir) ? archiveDir : null);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
