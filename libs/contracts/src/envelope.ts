import type { HaEvent, HaEventType } from '@haco/ha-core';
import { HA_EVENT_TYPES, isHaEventType } from '@haco/ha-core';
import type { UnchainedEnvelope } from './event-chain';
import { isEventHash } from './event-chain';

export const ENVELOPE_SCHEMA_VERSION = 1;

/**
 * One event as it travels and is stored. `id` is also the JetStream message id, so publishing the same
 * envelope twice is harmless; `seq` is gap-free from 1 per stream.
 */
export interface EventEnvelope<E extends HaEvent = HaEvent> {
  readonly schema: typeof ENVELOPE_SCHEMA_VERSION;
  readonly id: string;
  readonly stream: string;
  readonly seq: number;
  readonly type: E['type'];
  readonly data: Omit<E, 'type'>;
  /** When the peer decided it, ISO 8601 UTC. */
  readonly at: string;
  /** The envelope (or command id) that caused this one: a heartbeat's events share the first one's id. */
  readonly causationId: string | null;
  readonly correlationId: string | null;
  /**
   * The hash of the event before it in its stream (GENESIS_HASH for the first): the stream is a hash chain,
   * so an edited, removed or inserted event breaks it (event-chain.ts, docs/audit.md). Absent only on events
   * stored before the chain began; every envelope on the wire carries it.
   */
  readonly prevHash?: string;
}

export function toEnvelope(
  event: HaEvent,
  meta: {
    id: string;
    stream: string;
    seq: number;
    at: string;
    causationId: string | null;
    correlationId?: string | null;
  },
): UnchainedEnvelope {
  const { type, ...data } = event;
  return {
    schema: ENVELOPE_SCHEMA_VERSION,
    id: meta.id,
    stream: meta.stream,
    seq: meta.seq,
    type,
    data,
    at: meta.at,
    causationId: meta.causationId,
    correlationId: meta.correlationId ?? null,
  };
}

export function fromEnvelope(envelope: EventEnvelope): HaEvent {
  return { type: envelope.type, ...envelope.data } as HaEvent;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * Checks the shape of an envelope received from the wire. Returns it typed, or the reason it is refused
 * (which the coordinator records in its dead-letter table).
 */
export function readEnvelope(raw: unknown): EventEnvelope | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'envelope is not a JSON object';
  const e = raw as Record<string, unknown>;
  if (e['schema'] !== ENVELOPE_SCHEMA_VERSION)
    return `unsupported envelope schema ${JSON.stringify(e['schema'])}`;
  if (typeof e['id'] !== 'string' || e['id'].length === 0 || e['id'].length > 128)
    return 'id must be a non-empty string';
  if (typeof e['stream'] !== 'string' || !/^[^/]+\/[^/]+$/.test(e['stream']))
    return 'stream must be "<cluster>/<peer>"';
  if (!Number.isSafeInteger(e['seq']) || (e['seq'] as number) < 1) return 'seq must be an integer from 1';
  if (!isHaEventType(e['type'])) return `unknown event type ${JSON.stringify(e['type'])}`;
  if (typeof e['data'] !== 'object' || e['data'] === null || Array.isArray(e['data']))
    return 'data must be an object';
  if (typeof e['at'] !== 'string' || !ISO_INSTANT.test(e['at'])) return 'at must be an ISO 8601 UTC instant';
  if (!isEventHash(e['prevHash'])) return "prevHash must be the 64 hex digits of the previous event's hash";
  for (const link of ['causationId', 'correlationId']) {
    if (e[link] !== null && e[link] !== undefined && typeof e[link] !== 'string')
      return `${link} must be a string or null`;
  }
  return {
    schema: ENVELOPE_SCHEMA_VERSION,
    id: e['id'],
    stream: e['stream'],
    seq: e['seq'] as number,
    type: e['type'] as HaEventType,
    data: e['data'] as EventEnvelope['data'],
    at: e['at'],
    causationId: (e['causationId'] as string | null | undefined) ?? null,
    correlationId: (e['correlationId'] as string | null | undefined) ?? null,
    prevHash: e['prevHash'],
  };
}

export { HA_EVENT_TYPES };
