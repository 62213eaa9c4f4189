import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A second process found the data directory held. */
export class DataDirHeldError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(
      `data directory ${dataDir} is in use by another haco peer (${holder}); one peer per data directory`,
    );
    this.name = 'DataDirHeldError';
  }
}

/**
 * One writer per stream: a peer holds an exclusive lock on its data directory for as long as it runs,
 * taken before it reads anything there. The lock is SQLite's (a POSIX lock on `peer.lock`, through
 * better-sqlite3, already a dependency): the kernel releases it with the process, so a kill -9 never leaves
 * it stuck, and no stale PID file has to be guessed at as Kea's PID file must be. `peer.pid` beside it names
 * the holder for the refusal.
 */
export class DataDirLock {
  /** Held open for the process's life: the kernel releases the lock when the process ends. */
  private constructor(readonly db: Database.Database) {}

  static acquire(dataDir: string, pid: number = process.pid): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'peer.lock'), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // A write takes the exclusive lock; in EXCLUSIVE mode it is kept until the connection closes.
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE; DELETE FROM holder; COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true)
        throw new DataDirHeldError(dataDir, holderOf(dataDir));
      throw error;
    }
    writeFileSync(join(dataDir, 'peer.pid'), `${pid} ${hostname()}\n`);
    return new DataDirLock(db);
  }
}

function holderOf(dataDir: string): string {
  try {
    const [pid, host] = readFileSync(join(dataDir, 'peer.pid'), 'utf8').trim().split(' ');
    return `pid ${pid}${host === undefined ? '' : ` on ${host}`}`;
  } catch {
    return 'pid unknown';
  }
}
