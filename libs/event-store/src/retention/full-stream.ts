import type { EventStore } from '../event-store';
import type { StoredEvent } from '../store-types';
import { STREAM_PAGE_EVENTS, streamPages } from '../stream-pages';
import { readSegment } from './archive-files';

/**
 * A stream's whole history in seq order, a page at a time: the events still in the log merged with those
 * archived by retention (each segment read when its turn comes, its file checked). With no archive
 * directory, only the log. Memory stays that of a page and a segment.
 */
export async function* fullStreamPages(
  store: EventStore,
  stream: string,
  archiveDir: string | null,
  fromSeq = 1,
): AsyncGenerator<StoredEvent[]> {
  const segments =
    archiveDir === null
      ? []
      : (await store.archiveSegments(stream)).filter((segment) => segment.lastSeq >= fromSeq);
  if (segments.length === 0) {
    for await (const page of streamPages(store, stream, STREAM_PAGE_EVENTS, fromSeq)) yield page;
    return;
  }
  let archived: StoredEvent[] = [];
  let next = 0;
  const refill = () => {
    while (archived.length === 0 && next < segments.length) {
      archived = readSegment(archiveDir!, segments[next]).filter((event) => event.seq >= fromSeq);
      next += 1;
    }
  };
  let page: StoredEvent[] = [];
  const take = (event: StoredEvent) => page.push(event);
  refill();
  for await (const kept of streamPages(store, stream, STREAM_PAGE_EVENTS, fromSeq)) {
    for (const event of kept) {
      while (archived.length > 0 && archived[0].seq < event.seq) {
        take(archived.shift()!);
        refill();
      }
      take(event);
    }
    if (page.length >= STREAM_PAGE_EVENTS) {
      yield page;
      page = [];
    }
  }
  for (; archived.length > 0; refill()) take(archived.shift()!);
  if (page.length > 0) yield page;
}
