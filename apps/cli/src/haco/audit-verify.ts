import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ChainReport } from '@haco/event-store';
import type { ApiClient } from './api-client';
import { CliError } from './api-client';
import { existingArchiveBeside, storeNamed } from './migrate-store';
import { write } from './views';

export interface AuditVerifyOptions {
  readonly stream?: string;
  readonly file?: string;
  readonly db?: string;
  readonly archive?: string;
  readonly json?: boolean;
}

interface ChainAnswer {
  readonly verified: boolean;
  readonly streams: readonly ChainReport[];
}

/**
 * `haco audit verify`: the hash chains recomputed, of an export file (`--file`, nothing else needed), a
 * local log (`--db`, SQLite or PostgreSQL, through its archive), or the coordinator's (`GET /audit/verify`).
 * Exit 0 when every link holds, 1 at the first broken one, which it names.
 */
export async function auditVerify(
  options: AuditVerifyOptions,
  local: string | null,
  api: () => ApiClient,
): Promise<number> {
  const answer =
    options.file !== undefined
      ? await ofFile(options.file, options.stream)
      : local !== null
        ? await ofLog(local, options)
        : await api().get<ChainAnswer>(
            `/audit/verify${options.stream === undefined ? '' : `?stream=${encodeURIComponent(options.stream)}`}`,
          );
  if (options.json === true) write(JSON.stringify(answer, null, 2));
  else {
    for (const report of answer.streams) write(describeChain(report));
    const held = answer.streams.filter((s) => s.broken === null).length;
    write(`${held} of ${answer.streams.length} streams verified`);
  }
  return answer.verified ? 0 : 1;
}

/** One line per stream: its head to compare with the peer's own, or its first broken link. */
export function describeChain(report: ChainReport): string {
  if (report.broken !== null) {
    const link =
      report.broken.previous === null
        ? `#${report.broken.seq}`
        : `#${report.broken.previous} → #${report.broken.seq}`;
    return `BROKEN    ${report.stream} at ${link} (${report.broken.problem}): ${report.broken.detail}`;
  }
  const notes = [
    report.firstSeq > 1 ? `from #${report.firstSeq}, its first link not in the file` : null,
    report.unlinkedBefore > 0 ? `${report.unlinkedBefore} events from before the chain` : null,
    report.skipped.length > 0
      ? `${report.skipped.reduce((n, s) => n + s.events, 0)} archived events not read (no archive)`
      : null,
  ].filter((note) => note !== null);
  return `verified  ${report.stream}: ${report.events} events, head #${report.lastSeq} ${report.lastHash}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

async function ofFile(file: string, stream: string | undefined): Promise<ChainAnswer> {
  if (!existsSync(file)) throw new CliError(`no file ${file}`);
  const { verifyExportFile } = await import('@haco/event-store');
  const streams = (await verifyExportFile(file)).filter((s) => stream === undefined || s.stream === stream);
  if (streams.length === 0)
    throw new CliError(`no events${stream === undefined ? '' : ` of ${stream}`} in ${file}`);
  return { verified: streams.every((s) => s.broken === null), streams };
}

async function ofLog(db: string, options: AuditVerifyOptions): Promise<ChainAnswer> {
  // The store (TypeORM and its drivers) loads only for the offline commands.
  const { EventStore, openDataSource, verifyStoreChains } = await import('@haco/event-store');
  const named = storeNamed(db, true);
  const dataSource = await openDataSource(named).catch((error: Error) => {
    throw new CliError(`cannot open ${db}: ${error.message}`, 2);
  });
  try {
    const store = new EventStore(dataSource);
    if (options.stream !== undefined && (await store.readStream(options.stream, 1, 1)).length === 0)
      throw new CliError(`no events in stream ${options.stream}`);
    // Retention's archive sits beside a SQLite file unless told otherwise.
    const archiveDir = options.archive ?? existingArchiveBeside(db, named);
    const streams: ChainReport[] = [];
    for await (const report of verifyStoreChains(store, archiveDir, options.stream)) streams.push(report);
    return { verified: streams.every((s) => s.broken === null), streams };
  } finally {
    await dataSource.destroy();
  }
}

export function addAuditCommand(
  program: Command,
  run: (code: Promise<number>) => void,
  api: () => ApiClient,
  localLog: (db: string | undefined) => string | null,
): void {
  program
    .command('audit')
    .description('the audit trail: hash-chain verification (docs/audit.md)')
    .command('verify')
    .description('recompute the hash chains and name the first broken link (exit 1 when there is one)')
    .option('--stream <stream>', 'only this stream (CLUSTER/PEER, or _coordinator/commands)')
    .option('--file <export>', 'an export file (haco export), verified with nothing else')
    .option('--db <log>', 'a local event log (SQLite file or postgres:// URL) instead of the coordinator')
    .option('--archive <dir>', "retention's archive folder (archive/ beside a SQLite log by default)")
    .option('--json', 'the reports as JSON')
    .action((options: AuditVerifyOptions) =>
      run(auditVerify(options, options.file === undefined ? localLog(options.db) : null, api)),
    );
}
