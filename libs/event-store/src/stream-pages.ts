import type { EventStore, StoredEvent } from './event-store';

/** Events per page when a whole stream is read: memory stays that of one page, whatever its length. */
export const STREAM_PAGE_EVENTS = 5_000;

/**
 * A stream's events in seq order, one page at a time. Between pages it yields to I/O, so that a long read
 * inside the coordinator leaves ingest, health checks and other requests their turn.
 */
export async function* streamPages(
  store: EventStore,
  stream: string,
  pageEvents = STREAM_PAGE_EVENTS,
  from = 1,
): AsyncGenerator<StoredEvent[]> {
  for (let fromSeq = from; ;) {
    const page = await store.readStream(stream, fromSeq, pageEvents);
    if (page.length > 0) yield page;
    if (page.length < pageEvents) return;
    fromSeq = page[page.length - 1].seq + 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
