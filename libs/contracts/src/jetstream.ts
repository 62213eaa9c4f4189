import type { NatsConnection } from 'nats';
import { ALL_EVENT_SUBJECTS, EVENTS_STREAM } from './subjects';

/** Two minutes: a peer republishing its outbox within that window is deduplicated by message id. */
const DUPLICATE_WINDOW_NS = 120_000_000_000;

/** Makes sure the events stream exists (idempotent), capturing every peer's events subject. */
export async function ensureEventsStream(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [ALL_EVENT_SUBJECTS],
      duplicate_window: DUPLICATE_WINDOW_NS,
    });
  }
}
