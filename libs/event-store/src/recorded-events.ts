import type { RecordedEvent } from '@haco/ha-core';
import type { StoredEvent } from './event-store';

/** What replay needs of an envelope, whether read from SQLite or straight from JetStream. */
export type ReplayableEnvelope = Pick<StoredEvent, 'seq' | 'at' | 'causationId' | 'type' | 'data'>;

/** Stored envelopes as replay reads them: the event, its sequence, its time and what caused it. */
export function recordedEvents(events: readonly ReplayableEnvelope[]): RecordedEvent[] {
  return events.map((e) => ({
    seq: e.seq,
    at: Date.parse(e.at),
    causationId: e.causationId,
    event: { type: e.type, ...e.data } as RecordedEvent['event'],
  }));
}
