import type { ReplayReport } from '@haco/ha-core';
import { StreamVerifier } from '@haco/ha-core';
import type { EventStore } from './event-store';
import { recordedEvents } from './recorded-events';
import { streamPages } from './stream-pages';

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
