import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventStoreOptions } from '@haco/event-store';
import { CliError } from './api-client';
import { write } from './views';

/** A store named on the command line: a postgres:// URL, or the path of a SQLite file. */
export function storeNamed(name: string, readOnly: boolean): EventStoreOptions {
  if (/^postgres(ql)?:\/\//.test(name)) return { type: 'postgres', url: name, readOnly };
  if (readOnly && !existsSync(name)) throw new CliError(`no event log at ${name}`);
  return { path: name, readOnly };
}

/** A SQLite log's archive folder (retention's), beside it. */
export const archiveBeside = (file: string): string => join(dirname(file), 'archive');

/** Retention's archive beside a SQLite log, when there is one there (null for PostgreSQL's). */
export function existingArchiveBeside(db: string, named: EventStoreOptions): string | null {
  if (named.type === 'postgres') return null;
  return existsSync(archiveBeside(db)) ? archiveBeside(db) : null;
}

/** Where a store is, for a message: never its password. */
function shown(name: string): string {
  return name.replace(/(postgres(ql)?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}

/**
 * `haco migrate-store --from SOURCE --to TARGET`: copies an event log (SQLite to PostgreSQL, say), then
 * verifies the copy by replay. Run it again after an interruption: it goes on where the copy ended.
 * Exit 0 when the copy is whole and verified, 1 otherwise.
 */
export async function migrateStore(from: string, to: string): Promise<number> {
  // The store (TypeORM and its drivers) loads only for the commands that open one.
  const { EventStore, copyEventLog, openDataSource } = await import('@haco/event-store');
  const source = await openDataSource(storeNamed(from, true)).catch((error: Error) => {
    throw new CliError(`cannot open ${shown(from)}: ${error.message}`);
  });
  try {
    const target = await openDataSource(storeNamed(to, false)).catch((error: Error) => {
      throw new CliError(`cannot open ${shown(to)}: ${error.message}`);
    });
    try {
      let shownAt = 0;
      const report = await copyEventLog(new EventStore(source), new EventStore(target), (p) => {
        if (p.copied - shownAt < 50_000 && p.copied < p.total) return;
        shownAt = p.copied;
        process.stderr.write(`migrate-store: ${p.copied} of ${p.total} events copied\n`);
      });
      if (report.resumedAfter > 0) write(`resumed after ${report.resumedAfter} events already copied\n`);
      write(
        `copied ${report.copied} events, ${report.heldBack} held back behind gaps, ${report.deadLetters} dead letters\n`,
      );
      for (const s of report.streams)
        write(
          `${s.replayVerified && s.sameView ? 'OK      ' : 'DIFFERS '} ${s.stream}: ${s.events} events, replay ${s.replayVerified ? 'verified' : 'DIVERGED'}, ${s.sameView ? 'same state' : 'OTHER STATE'}\n`,
        );
      write(
        report.verified ? `the copy in ${shown(to)} is whole and verified\n` : 'the copy is NOT verified\n',
      );
      return report.verified ? 0 : 1;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`migrate-store: ${(error as Error).message}`);
    } finally {
      await target.destroy();
    }
  } finally {
    await source.destroy();
  }
}
