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

/** What ensuring the stream did. */
export type StreamEnsured = 'created' | 'updated' | 'unchanged';

/**
 * The one place the events stream is made: it creates the stream when there is none, and brings an
 * existing one to the configured `replicas` and `maxBytes` (on a NATS cluster, `replicas` copies; 1 on a
 * single server). Peers and coordinators call it at boot and again after every reconnect, always with
 * their configured options, so a stream lost with a NATS server's store comes back as configured.
 *
 * Its retention is a work queue: a message leaves the stream once the coordinator has acknowledged it,
 * which it does only after the SQLite (or PostgreSQL) commit that stores it, so the store is the record
 * and the stream holds only what is still on its way. It is bounded by `maxBytes`, and at the bound it
 * refuses new messages (discard new) rather than dropping old ones: nothing unacknowledged is ever lost,
 * and peers keep refused events in their outbox and publish them again later.
 */
export async function ensureEventsStream(
  nc: NatsConnection,
  options: EventsStreamOptions,
): Promise<StreamEnsured> {
  const { replicas, maxBytes = DEFAULT_EVENTS_MAX_BYTES } = options;
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.streams.info(EVENTS_STREAM).catch(() => null);
  if (existing === null) {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [ALL_EVENT_SUBJECTS],
      duplicate_window: DUPLICATE_WINDOW_NS,
      num_replicas: replicas,
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_bytes: maxBytes,
    });
    return 'created';
  }
  if (existing.config.num_replicas === replicas && existing.config.max_bytes === maxBytes) return 'unchanged';
  await jsm.streams.update(EVENTS_STREAM, { num_replicas: replicas, max_bytes: maxBytes });
  return 'updated';
}
