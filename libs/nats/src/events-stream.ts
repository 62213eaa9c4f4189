import type { NatsConnection } from '@nats-io/transport-node';
import { DiscardPolicy, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { ALL_EVENT_SUBJECTS, EVENTS_STREAM } from '@haco/contracts';

/** Two minutes: a peer republishing its outbox within that window is deduplicated by message id. */
const DUPLICATE_WINDOW_NS = 120_000_000_000;

/** How much the events stream may hold while the coordinator is away (HACO_EVENTS_MAX_BYTES). */
export const DEFAULT_EVENTS_MAX_BYTES = 1024 * 1024 * 1024;

export interface EventsStreamOptions {
  readonly replicas: number;
  readonly maxBytes?: number;
}

/**
 * Makes sure the events stream exists (idempotent), capturing every peer's events subject, with `replicas`
 * copies on a NATS cluster (1 on a single server).
 *
 * Its retention is a work queue: a message leaves the stream once the coordinator has acknowledged it,
 * which it does only after the SQLite (or PostgreSQL) commit that stores it, so the store is the record
 * and the stream holds only what is still on its way. It is bounded by `maxBytes`, and at the bound it
 * refuses new messages (discard new) rather than dropping old ones: nothing unacknowledged is ever lost,
 * and peers keep refused events in their outbox and publish them again later.
 */
export async function ensureEventsStream(
  nc: NatsConnection,
  options: EventsStreamOptions | number = 1,
): Promise<void> {
  const { replicas, maxBytes = DEFAULT_EVENTS_MAX_BYTES } =
    typeof options === 'number' ? { replicas: options } : options;
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [ALL_EVENT_SUBJECTS],
      duplicate_window: DUPLICATE_WINDOW_NS,
      num_replicas: replicas,
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_bytes: maxBytes,
    });
  }
}
