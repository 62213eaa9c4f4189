import { createHash } from 'node:crypto';
import type { EventStore } from './event-store';

/** What a backup and its restore must agree on: where the log ends, and a hash of the history up to there. */
export interface StoreFingerprint {
  /** The log's last position (0 for an empty log). */
  readonly position: number;
  /** Rows in the log up to it (archived events are in the archive, not counted). */
  readonly events: number;
  /** sha256 of every history row up to `position`, in log order: the audit's own record of what happened. */
  readonly historyHash: string;
}

const PAGE = 10_000;

/** The fingerprint of a log as it stands (up to `position`, or its end). */
export async function storeFingerprint(store: EventStore, upTo?: number): Promise<StoreFingerprint> {
  const position = upTo ?? (await store.headPosition());
  const hash = createHash('sha256');
  for (let after = 0; ;) {
    const rows = await store.historyRowsAfter(after, position, PAGE);
    for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1][0]);
  }
  return { position, events: await store.countUpTo(position), historyHash: hash.digest('hex') };
}
