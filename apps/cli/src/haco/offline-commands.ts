import type { Command } from 'commander';
import { configCheck } from './config-check';
import { migrateStore } from './migrate-store';
import { positiveNumber } from './peer-name';
import { storeBackup, storeRestore, storeVerify } from './store-backup';

/** The main job's own log, when no other is named. */
const DEFAULT_DB = 'data/coordinator/events.sqlite';

/**
 * The commands that work on files, never through the coordinator: configuration checks, and the event
 * log's copy, backup, restore and verification.
 */
export function addOfflineCommands(program: Command, run: (code: Promise<number>) => void): void {
  program
    .command('migrate-store')
    .description(
      'copy an event log into another store (e.g. SQLite into PostgreSQL), verified by replay; resumable',
    )
    .requiredOption('--from <store>', 'the log to copy: a SQLite file or a postgres:// URL')
    .requiredOption('--to <store>', 'where to: a postgres:// URL or a SQLite file (empty, or a copy begun)')
    .action((options: { from: string; to: string }) => run(migrateStore(options.from, options.to)));
  const store = program.command('store').description('the event log: backup, restore, verification');
  const db = (command: Command) =>
    command.option('--db <log>', `the event log (HACO_DB, else ${DEFAULT_DB})`);
  db(
    store
      .command('backup')
      .description('an online copy of a SQLite log and its archive, verified and fingerprinted')
      .argument('<file>', 'the backup to write (never overwritten)'),
  ).action((file: string, options: { db?: string }) => run(storeBackup(file, logOf(options.db))));
  db(
    store
      .command('restore')
      .description('a backup made the log again (never over an existing one), verified and fingerprinted')
      .argument('<file>', 'the backup to restore'),
  ).action((file: string, options: { db?: string }) => run(storeRestore(file, logOf(options.db))));
  db(
    store
      .command('verify')
      .description('replay-verify a log (SQLite, or PostgreSQL after pg_restore) and print its fingerprint')
      .option('--archive <dir>', "retention's archive folder (archive/ beside a SQLite log by default)")
      .option('--up-to <position>', 'the fingerprint as the log stood at this position', positiveNumber),
  ).action((options: { db?: string; archive?: string; upTo?: number }) =>
    run(storeVerify(logOf(options.db), options.archive, options.upTo)),
  );
  program
    .command('config')
    .description('configuration files, offline')
    .command('check')
    .description('validate files as their processes do at boot (like kea-dhcp4 -t); exit 2 on an error')
    .argument(
      '<files...>',
      'peer, coordinator or kea-watch files, or Kea Dhcp4 configurations with the HA hook',
    )
    .option('--failover-target <ms>', 'name a partner-down that may take longer than this', positiveNumber)
    .option('--json', 'the verdicts and warnings as JSON')
    .action((files: string[], options: { failoverTarget?: number; json?: boolean }) =>
      run(Promise.resolve(configCheck(files, options))),
    );
}

const logOf = (db: string | undefined) => db ?? process.env.HACO_DB ?? DEFAULT_DB;
