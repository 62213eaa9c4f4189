import type { EventStore } from '../event-store';
import { segmentFile, writeSegment } from './archive-files';
import { SNAPSHOT_VERSION } from './replay-snapshots';

/**
 * What retention may take out of the log: heartbeat outcomes (and the failure detection they measured),
 * in decisions that did nothing else. Transitions, pauses, continues, commands, starts and stops, and any
 * decision holding one of them, stay in the log for ever.
 */
export const RETIRED_TYPES = ['HeartbeatSucceeded', 'HeartbeatFailed', 'CommunicationObserved'] as const;

export interface RetentionPolicy {
  /** Heartbeat outcomes older than this leave the log for the archive. */
  readonly heartbeatsMs: number;
  readonly archiveDir: string;
  /** Events per segment: each is one small transaction, so ingest waits at most that long. */
  readonly batch: number;
}

export interface CompactionResult {
  readonly segments: number;
  readonly events: number;
}

/**
 * Moves one stream's old heartbeat outcomes from the log to the archive, a batch at a time: each batch is
 * written to its compressed file and synced, then recorded and deleted in one transaction. Only events
 * before the stream's newest replay snapshot go (replay and projections start there), so nothing a
 * verification needs is missing from the log, and `replay --from-start` reads the archive for the rest.
 * Killed at any point, it loses nothing: a file without its record is written again by the next run.
 */
export async function compactStream(
  store: EventStore,
  stream: string,
  policy: RetentionPolicy,
  nowMs: number,
  maxBatches = Number.POSITIVE_INFINITY,
): Promise<CompactionResult> {
  const [snapshot] = await store.snapshots(stream, SNAPSHOT_VERSION);
  if (snapshot === undefined) return { segments: 0, events: 0 };
  const before = new Date(nowMs - policy.heartbeatsMs).toISOString();
  let segments = 0;
  let events = 0;
  while (segments < maxBatches) {
    const batch = await store.retirable(stream, snapshot.seq, before, RETIRED_TYPES, policy.batch);
    if (batch.length === 0) break;
    const firstSeq = batch[0].seq;
    const lastSeq = batch[batch.length - 1].seq;
    const file = segmentFile(stream, firstSeq, lastSeq);
    const sha256 = writeSegment(policy.archiveDir, file, batch);
    await store.retire(
      {
        stream,
        firstSeq,
        lastSeq,
        events: batch.length,
        file,
        sha256,
        archivedAt: new Date(nowMs).toISOString(),
      },
      batch.map((event) => event.position),
    );
    segments += 1;
    events += batch.length;
    // Ingest's turn between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { segments, events };
}

/** "7d", "12h", "30m", "45s" or "500ms" as milliseconds; null for anything else. */
export function durationMs(text: string): number | null {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (match === null) return null;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}
