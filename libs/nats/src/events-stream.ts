import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ALL_EVENT_SUBJECTS, EVENTS_STREAM } from '@haco/contracts';

/** Two minutes: a peer republishing its outbox within that window is deduplicated by message id. */
const DUPLICATE_WINDOW_NS = 120_000_000_000;

/**
 * Makes sure the events stream exists (idempotent), capturing every peer's events subject, with
 * `replicas` copies on a NATS cluster (1 on a single server); each app passes its configured count.
 */
export async function ensureEventsStream(nc: NatsConnection, replicas = 1): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [ALL_EVENT_SUBJECTS],
      duplicate_window: DUPLICATE_WINDOW_NS,
      num_replicas: replicas,
    });
  }
}
