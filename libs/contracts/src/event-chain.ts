import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
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
 * An event's hash: SHA-256 (hex) of the RFC 8785 canonical JSON of its envelope, `schema` and `prevHash`
 * included. Canonical JSON, not JSON.stringify, so that anyone can recompute it from an export in any
 * language, whatever order a database gives the data's keys back in. An event stored before the chain
 * began has no `prevHash`, and its hash is of the envelope without one.
 */
export function eventHash(event: ChainedFields): string {
  const envelope = {
    schema: 1,
    id: event.id,
    stream: event.stream,
    seq: event.seq,
    type: event.type,
    data: event.data,
    at: event.at,
    causationId: event.causationId,
    correlationId: event.correlationId,
    ...(event.prevHash === undefined ? {} : { prevHash: event.prevHash }),
  };
  return createHash('sha256').update(canonicalize(envelope)!).digest('hex');
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
