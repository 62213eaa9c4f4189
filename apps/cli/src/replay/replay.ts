import type { ReplayReport } from '@haco/ha-core';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EventStore, isPeerStream, openDataSource, peerViewAt, verifyFromSnapshot } from '@haco/event-store';

const USAGE =
  'usage: npm run replay -- --verify [--from-start] [--db FILE] [--archive DIR] [--stream CLUSTER/PEER]\n       npm run replay -- --state-at ISO-TIME --stream CLUSTER/PEER [--db FILE]';

/** One stream's verification as a line (two more for a divergence), the same locally and over HTTP. */
export function describeReport(
  stream: string,
  report: Pick<ReplayReport, 'events' | 'decisions' | 'transitions' | 'pauses' | 'continues' | 'divergence'>,
): string {
  const counts = `${report.events} events, ${report.decisions} decisions, ${report.transitions} transitions, ${report.pauses} pauses, ${report.continues} continues`;
  if (report.divergence === null) return `OK        ${stream}: ${counts}`;
  const d = report.divergence;
  return [
    `DIVERGED  ${stream} at seq ${d.seq}: ${d.reason}`,
    `          recorded: ${JSON.stringify(d.recorded)}`,
    `          replayed: ${JSON.stringify(d.replayed)}`,
  ].join('\n');
}

/** Replays stored streams read-only through libs/ha-core; exit 1 at the first stream that diverges. */
export async function replay(argv: string[]): Promise<number> {
  const option = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const db = option('--db') ?? process.env.HACO_DB ?? 'data/coordinator/events.sqlite';
  const only = option('--stream');
  const stateAt = option('--state-at');
  if (!argv.includes('--verify') && stateAt === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let dataSource;
  try {
    dataSource = await openDataSource({ path: db, readOnly: true });
  } catch (error) {
    process.stderr.write(`replay: cannot open ${db}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const store = new EventStore(dataSource);
    if (stateAt !== undefined) {
      if (only === undefined || Number.isNaN(Date.parse(stateAt))) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const view = await peerViewAt(store, only, Date.parse(stateAt));
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return 0;
    }
    // Retention's archive sits beside the SQLite file unless told otherwise (docs/operations.md).
    const archive = option('--archive') ?? join(dirname(db), 'archive');
    const fromStart = argv.includes('--from-start');
    let diverged = 0;
    let streams = 0;
    const names =
      only !== undefined ? [only] : (await store.streams()).map((h) => h.stream).filter(isPeerStream);
    for (const stream of names) {
      const checked = await verifyFromSnapshot(store, stream, {
        fromStart,
        archiveDir: existsSync(archive) ? archive : null,
      });
      const from = checked.fromSeq === null ? '' : ` (from the snapshot at seq ${checked.fromSeq})`;
      process.stdout.write(`${describeReport(stream, checked.report)}${from}\n`);
      if (checked.snapshotMismatch !== null) process.stdout.write(`          ${checked.snapshotMismatch}\n`);
      streams += 1;
      if (checked.report.divergence !== null || checked.snapshotMismatch !== null) diverged += 1;
    }
    process.stdout.write(`${streams - diverged} of ${streams} streams verified\n`);
    return diverged === 0 ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}
