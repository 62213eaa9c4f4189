import type Database from 'better-sqlite3';

export type SynchronousMode = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

/** What every connection that writes the event log sets: WAL, the chosen durability, lock waits. */
export function applyWriterPragmas(
  db: Pick<Database.Database, 'pragma'>,
  synchronous: SynchronousMode = 'FULL',
): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  // A writer on another connection holds the lock for one commit: wait for it rather than fail.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}
