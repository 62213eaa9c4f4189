import type { EventStore } from '../event-store';
import { ArchiveSegmentError } from '../retention/archive-files';
import { fullStreamPages } from '../retention/full-stream';
import { streamPages } from '../stream-pages';
import type { ChainReport } from './chain-verifier';
import { ChainVerifier } from './chain-verifier';

/**
 * Recomputes a stored stream's hash chain from its first event, archived ones included when the archive's
 * folder is given (each file checked against its manifest), page by page, and meets it with the stream's
 * head. Without the archive its ranges are taken on trust and listed as skipped.
 */
export async function verifyStreamChain(
  store: EventStore,
  stream: string,
  archiveDir: string | null,
): Promise<ChainReport> {
  const segments = (await store.archiveSegments(stream)).length;
  const report = await checkStreamChain(store, stream, archiveDir);
  // Retention may have moved events to the archive while they were read (gone from the log, after the
  // archive's list was taken): a hole with a new segment is looked at again, once.
  if (report.broken?.problem !== 'missing' || (await store.archiveSegments(stream)).length === segments)
    return report;
  return checkStreamChain(store, stream, archiveDir);
}

async function checkStreamChain(
  store: EventStore,
  stream: string,
  archiveDir: string | null,
): Promise<ChainReport> {
  const verifier = new ChainVerifier(stream);
  const unread = archiveDir === null ? await store.archiveSegments(stream) : [];
  // Retention archives some events of a range (heartbeat outcomes) and keeps the rest: without the
  // archive, a gap inside a segment's range is what it took away.
  const skipArchived = (upTo: number) => {
    for (let from = verifier.nextSeq; from <= upTo; from = verifier.nextSeq) {
      const segment = unread.find((s) => s.firstSeq <= from && from <= s.lastSeq);
      if (segment === undefined) return;
      verifier.skip(from, Math.min(upTo, segment.lastSeq), segment);
    }
  };
  // The head first, and the events up to it: on a live log, events stored while the check reads are the
  // next check's (reading past the head would look like a tail the head does not know).
  const head = await store.streamHead(stream);
  const pages = archiveDir === null ? streamPages(store, stream) : fullStreamPages(store, stream, archiveDir);
  try {
    reading: for await (const page of pages) {
      for (const event of page) {
        if (head !== null && event.seq > head.lastSeq) break reading;
        skipArchived(event.seq - 1);
        if (!verifier.push(event)) break reading;
      }
    }
    if (head !== null) skipArchived(head.lastSeq);
  } catch (error) {
    if (!(error instanceof ArchiveSegmentError)) throw error;
    verifier.archiveFailed(error.segment.firstSeq, error.message);
  }
  return verifier.finish(head === null ? null : { lastSeq: head.lastSeq, lastHash: head.lastHash ?? null });
}

/** Every stream of the store (or only `stream`), checked one after the other. */
export async function* verifyStoreChains(
  store: EventStore,
  archiveDir: string | null,
  stream?: string,
): AsyncGenerator<ChainReport> {
  const streams = stream !== undefined ? [stream] : (await store.streams()).map((h) => h.stream);
  for (const name of streams) yield verifyStreamChain(store, name, archiveDir);
}
