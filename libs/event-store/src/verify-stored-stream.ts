import type { ReplayReport } from '@haco/ha-core';
import { StreamVerifier } from '@haco/ha-core';
import type { EventStore } from './event-store';
import { recordedEvents } from './recorded-events';
import { streamPages } from './stream-pages';
import { isPeerStream } from './projections/peer-view.projection';

/**
 * Replay verification of one stored stream, page by page: bounded memory for a stream of any length.
 * Reading stops at the first divergence, so `events` then counts the events read up to it.
 */
export async function verifyStoredStream(
  store: EventStore,
  stream: string,
  pageEvents?: number,
): Promise<ReplayReport> {
  const verifier = new StreamVerifier();
  for await (const page of streamPages(store, stream, pageEvents)) {
    if (!verifier.push(recordedEvents(page))) break;
  }
  return verifier.finish();
}

/** Every peer stream of the store (or only `stream`), verified one after the other, as `replay --verify` does. */
export async function* verifyStoredStreams(
  store: EventStore,
  stream?: string,
): AsyncGenerator<{ readonly stream: string; readonly report: ReplayReport }> {
  const streams =
    stream !== undefined ? [stream] : (await store.streams()).map((h) => h.stream).filter(isPeerStream);
  for (const name of streams) yield { stream: name, report: await verifyStoredStream(store, name) };
}
