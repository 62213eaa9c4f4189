import { hash } from 'node:crypto';
import type { EventEnvelope } from './envelope';

/** The `prevHash` of a stream's first event: no event comes before it. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH = /^[0-9a-f]{64}$/;

export function isEventHash(value: unknown): value is string {
  return typeof value === 'string' && HASH.test(value);
}

/** The fields an event's hash covers: the whole envelope as it travels, its link to the one before included. */
export interface ChainedFields {
  readonly id: string;
  readonly stream: string;
  readonly seq: number;
  readonly type: string;
  readonly data: object;
  readonly at: string;
  readonly causationId: string | null;
  readonly correlationId: string | null;
  readonly prevHash?: string;
}

/**
 * An event's hash: SHA-256 (hex) of the JSON array `[prevHash, id, stream, seq, type, at, causationId,
 * correlationId, data]` as JSON.stringify writes it (no spaces; prevHash null for an event stored before
 * the chain began). Not RFC 8785's canonical JSON: canonicalizing every event's data cost the ingest 4 µs an
 * event, a third of its whole budget, and the data needs none. It is stored as the text it came as, and
 * JSON.parse keeps the keys' order, so the data's JSON is the same text at the peer, in the log, in the
 * archive and in an export (docs/audit.md shows the same hash computed in Python). `dataText`: the data's
 * JSON when the caller has it already (the store writes it).
 */
export function eventHash(event: ChainedFields, dataText: string = JSON.stringify(event.data)): string {
  const head = JSON.stringify([
    event.prevHash ?? null,
    event.id,
    event.stream,
    event.seq,
    event.type,
    event.at,
    event.causationId,
    event.correlationId,
  ]);
  return hash('sha256', `${head.slice(0, -1)},${dataText}]`);
}

/** An envelope before it is linked into its stream. */
export type UnchainedEnvelope = Omit<EventEnvelope, 'prevHash'>;

/**
 * Links envelopes, in seq order, onto a stream whose last event hashes to `head`: each carries the hash of
 * the one before it. Returns them and the new head.
 */
export function chainEnvelopes(
  head: string,
  envelopes: readonly UnchainedEnvelope[],
): { readonly envelopes: EventEnvelope[]; readonly head: string } {
  let prevHash = head;
  const chained = envelopes.map((envelope) => {
    const linked: EventEnvelope = { ...envelope, prevHash };
    prevHash = eventHash(linked);
    return linked;
  });
  return { envelopes: chained, head: prevHash };
}
