import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreFingerprint } from '@haco/event-store';
import { CliError } from './api-client';
import { write } from './views';
import { describeChain } from './audit-verify';
import { archiveBeside, existingArchiveBeside, storeNamed } from './migrate-store';

const shownFingerprint = (f: StoreFingerprint) =>
  `${f.events} events up to position ${f.position}; history sha256 ${f.historyHash}`;

/** Copies a folder's files (the archive's segments never change once written, so a copy is a copy). */
function copyTree(from: string, to: string): number {
  let copied = 0;
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) copied += copyTree(source, join(to, name));
    else if (!name.endsWith('.partial')) {
      copyFileSync(source, join(to, name));
      copied += 1;
    }
  }
  return copied;
}

/**
 * SQLite's online backup API, in one step: one read of a consistent snapshot of the log, while the
 * coordinator goes on writing (in WAL mode a reader holds no writer back). Done in steps, a backup of a
 * log being written restarts at every commit and may never end.
 */
async function onlineBackup(from: string, to: string): Promise<void> {
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await db.backup(to, { progress: () => 1_000_000_000 });
  } finally {
    db.close();
  }
}

/** Opens a copy, checks it is a whole SQLite database, and fingerprints it (verifying its streams first). */
async function verifiedFingerprint(file: string, archiveDir: string | null): Promise<StoreFingerprint> {
  const integrity = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const [check] = integrity.pragma('integrity_check') as { integrity_check: string }[];
    if (check.integrity_check !== 'ok') throw new CliError(`${file} is damaged: ${check.integrity_check}`);
  } finally {
    integrity.close();
  }
  const { EventStore, isPeerStream, openDataSource, storeFingerprint, verifyFromSnapshot } =
    await import('@haco/event-store');
  const dataSource = await openDataSource({ path: file, readOnly: true });
  try {
    const store = new EventStore(dataSource);
    for (const { stream } of (await store.streams()).filter((head) => isPeerStream(head.stream))) {
      const checked = await verifyFromSnapshot(store, stream, { archiveDir });
      if (checked.report.divergence !== null) {
        throw new CliError(
          `${stream} does not verify at seq ${checked.report.divergence.seq}: ${checked.report.divergence.reason}`,
        );
      }
    }
    return await storeFingerprint(store);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * `haco store backup FILE --db LOG`: an online copy of a SQLite log (and of retention's archive beside
 * it, into FILE-archive/), then checked: whole, every stream verified by replay, and fingerprinted. The
 * same fingerprint line is printed by `restore`. PostgreSQL is backed up with pg_dump (docs/operations.md).
 */
export async function storeBackup(file: string, db: string): Promise<number> {
  if (/^postgres(ql)?:\/\//.test(db)) {
    throw new CliError(
      'a PostgreSQL log is backed up with pg_dump, then checked with haco store verify (docs/operations.md)',
      2,
    );
  }
  if (!existsSync(db)) throw new CliError(`no event log at ${db}`);
  if (existsSync(file)) throw new CliError(`${file} exists already: a backup never overwrites`, 2);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await onlineBackup(db, file);
  let archived = 0;
  if (existsSync(archiveBeside(db))) archived = copyTree(archiveBeside(db), `${file}-archive`);
  const fingerprint = await verifiedFingerprint(file, archived > 0 ? `${file}-archive` : null);
  write(
    `backed up ${db} to ${file}${archived > 0 ? ` (and ${archived} archive files to ${file}-archive)` : ''}`,
  );
  write(shownFingerprint(fingerprint));
  return 0;
}

/**
 * `haco store restore FILE --db LOG`: a backup made the coordinator's log again (never over an existing
 * one), then checked as the backup was; the fingerprint must be the backup's. Start the coordinator on
 * it: what the peers recorded after the backup comes back from their outboxes (docs/operations.md).
 */
export async function storeRestore(file: string, db: string): Promise<number> {
  if (!existsSync(file)) throw new CliError(`no backup at ${file}`);
  if (existsSync(db))
    throw new CliError(`${db} exists: move it away first (a restore never overwrites a log)`, 2);
  mkdirSync(dirname(db), { recursive: true, mode: 0o700 });
  await onlineBackup(file, db);
  let archived = 0;
  if (existsSync(`${file}-archive`)) archived = copyTree(`${file}-archive`, archiveBeside(db));
  const fingerprint = await verifiedFingerprint(db, archived > 0 ? archiveBeside(db) : null);
  write(`restored ${file} to ${db}${archived > 0 ? ` (and ${archived} archive files)` : ''}`);
  write(shownFingerprint(fingerprint));
  return 0;
}

/**
 * `haco store verify --db LOG [--up-to POSITION]`: any log (a PostgreSQL one after pg_restore, too)
 * verified and fingerprinted; `--up-to` fingerprints the source as it stood at a restored copy's position.
 */
export async function storeVerify(
  db: string,
  archive: string | undefined,
  upTo: number | undefined,
): Promise<number> {
  const {
    EventStore,
    isPeerStream,
    openDataSource,
    storeFingerprint,
    verifyFromSnapshot,
    verifyStoreChains,
  } = await import('@haco/event-store');
  const named = storeNamed(db, true);
  const dataSource = await openDataSource(named);
  try {
    const store = new EventStore(dataSource);
    const archiveDir =
      archive !== undefined ? (existsSync(archive) ? archive : null) : existingArchiveBeside(db, named);
    for (const { stream } of (await store.streams()).filter((head) => isPeerStream(head.stream))) {
      const checked = await verifyFromSnapshot(store, stream, { archiveDir });
      if (checked.report.divergence !== null) {
        write(
          `DIVERGED  ${stream} at seq ${checked.report.divergence.seq}: ${checked.report.divergence.reason}`,
        );
        return 1;
      }
    }
    // And its hash chains, every stream's (the coordinator's own too): an edited copy fails here.
    for await (const chain of verifyStoreChains(store, archiveDir)) {
      if (chain.broken !== null) {
        write(describeChain(chain));
        return 1;
      }
    }
    write(shownFingerprint(await storeFingerprint(store, upTo)));
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
