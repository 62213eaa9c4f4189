import type { NatsConnection } from 'nats';
import { ALL_EVENT_SUBJECTS, EVENTS_STREAM } from './subjects';

/** Two minutes: a peer republishing its outbox within that window is deduplicated by message id. */
const DUPLICATE_WINDOW_NS = 120_000_000_000;

/**
 * Makes sure the events stream exists (idempotent), capturing every peer's events subject, with
 * `replicas` copies on a NATS cluster (HACO_EVENTS_REPLICAS; 1 on a single server).
 */
export async function ensureEventsStream(nc: NatsConnection, replicas = eventsReplicas()): Promise<void> {
  const jsm = await nc.jetstreamManager();
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

function eventsReplicas(): number {
  const value = Number(process.env.HACO_EVENTS_REPLICAS ?? 1);
  return Number.isInteger(value) && value >= 1 && value <= 5 ? value : 1;
}
