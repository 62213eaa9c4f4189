import { isDeepStrictEqual } from 'node:util';
import type { ReplayReport } from '@haco/ha-core';
import { StreamVerifier } from '@haco/ha-core';
import type { EventStore } from '../event-store';
import { recordedEvents } from '../recorded-events';
import type { ReplaySnapshot } from '../store-types';
import { fullStreamPages } from './full-stream';
import { EMPTY_STREAM_HASH, nextStreamHash } from './stream-hash';

/** Raised whenever the verifier's saved point changes shape: snapshots of another version are not used. */
export const SNAPSHOT_VERSION = 1;

/** Events verified past the newest snapshot before another is saved. */
export const DEFAULT_SNAPSHOT_EVERY = 10_000;

type VerifiedPoint = NonNullable<StreamVerifier['verifiedPoint']>;

export interface VerifyOptions {
  /** Re-decide every event from the stream's first (archived ones too), checking each snapshot on the way. */
  readonly fromStart?: boolean;
  /** Where retention's archive files are (null: none is read). */
  readonly archiveDir?: string | null;
  /** Save a snapshot when at least this many events were verified past the newest one (0: never). */
  readonly snapshotEvery?: number;
  readonly now?: () => string;
}

export interface StreamVerification {
  readonly stream: string;
  readonly report: ReplayReport;
  /** The snapshot verification started from, or null for the stream's first event. */
  readonly fromSeq: number | null;
  /** From the start: the first snapshot that does not match what the log re-decides to, and why. */
  readonly snapshotMismatch: string | null;
  /** A snapshot saved by this verification, if one was. */
  readonly saved: ReplaySnapshot | null;
}

/**
 * Replay verification of one stream that starts from its newest snapshot (so that its cost is the events
 * since then, not the stream's length), or from the first event with `fromStart`, when every snapshot met
 * on the way must hold exactly the state and the running hash the log re-decides to. Saves a new snapshot
 * when asked and far enough past the last.
 */
export async function verifyFromSnapshot(
  store: EventStore,
  stream: string,
  options: VerifyOptions = {},
): Promise<StreamVerification> {
  const snapshots = await store.snapshots(stream, SNAPSHOT_VERSION);
  const newest = options.fromStart ? undefined : snapshots[0];
  const start = newest === undefined ? null : (JSON.parse(newest.point) as VerifiedPoint);
  const bySeq = new Map(options.fromStart ? snapshots.map((s) => [s.seq, s]) : []);
  // The running hash costs as much as reading the rows: kept only when a snapshot is to be checked on the
  // way or may be saved at the end.
  const hashing = bySeq.size > 0 || (options.snapshotEvery ?? 0) > 0;
  let hash = newest?.hash ?? EMPTY_STREAM_HASH;
  const hashes = new Map<number, string>();
  let mismatch: string | null = null;
  const onVerified = (point: VerifiedPoint) => {
    for (const seq of hashes.keys()) if (seq < point.seq) hashes.delete(seq);
    const snapshot = bySeq.get(point.seq);
    if (snapshot === undefined || mismatch !== null) return;
    if (snapshot.hash !== hashes.get(point.seq)) {
      mismatch = `the snapshot at seq ${point.seq} holds another hash of the events up to it than the log`;
    } else if (!isDeepStrictEqual(JSON.parse(snapshot.point), JSON.parse(JSON.stringify(point)))) {
      mismatch = `the snapshot at seq ${point.seq} holds another state than the log re-decides to`;
    }
  };
  const verifier = new StreamVerifier(start, onVerified);
  const from = start === null ? 1 : start.seq + 1;
  for await (const page of fullStreamPages(store, stream, options.archiveDir ?? null, from)) {
    if (hashing) {
      for (const event of page) {
        hash = nextStreamHash(hash, event);
        hashes.set(event.seq, hash);
      }
    }
    if (!verifier.push(recordedEvents(page))) break;
  }
  const report = verifier.finish();
  const point = verifier.verifiedPoint;
  const every = options.snapshotEvery ?? 0;
  let saved: ReplaySnapshot | null = null;
  const lastSaved = snapshots[0]?.seq ?? 0;
  if (every > 0 && report.divergence === null && point !== null && point.seq - lastSaved >= every) {
    const pointHash = hashes.get(point.seq);
    if (pointHash !== undefined) {
      saved = {
        stream,
        seq: point.seq,
        version: SNAPSHOT_VERSION,
        point: JSON.stringify(point),
        hash: pointHash,
        savedAt: options.now?.() ?? new Date().toISOString(),
      };
      await store.saveSnapshot(saved);
    }
  }
  return { stream, report, fromSeq: start?.seq ?? null, snapshotMismatch: mismatch, saved };
}
