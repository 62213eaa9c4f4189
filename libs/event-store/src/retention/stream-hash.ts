import { createHash } from 'node:crypto';
import type { StoredEvent } from '../store-types';

/**
 * The running hash of a stream: each event's hash covers the one before it, so the hash at a seq stands
 * for every event up to it, wherever they are kept now (the log, or the archive). A snapshot keeps it; a
 * verification from the first event recomputes it and must meet each snapshot's.
 */
export function nextStreamHash(previous: string, event: StoredEvent): string {
  const fields = [event.id, event.seq, event.type, event.at, event.causationId, event.data];
  return createHash('sha256').update(previous).update('\n').update(JSON.stringify(fields)).digest('hex');
}

/** The hash before a stream's first event. */
export const EMPTY_STREAM_HASH = '';
