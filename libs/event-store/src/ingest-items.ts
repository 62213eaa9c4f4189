import { eventDataError, parseEventSubject, readEnvelope, streamId } from '@haco/contracts';
import type { IngestItem } from './write/write-session';

/**
 * What one JetStream message of events stands for in the store. A message carries one envelope or, as peers
 * publish them, a JSON array of consecutive envelopes; each envelope is checked on its own, so one bad
 * envelope becomes one dead letter (and its stream a gap): malformed, unknown, out of schema, or forged.
 */
export function ingestItems(subject: string, text: string): IngestItem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [{ subject, payload: text, refusal: 'malformed JSON' }];
  }
  const source = parseEventSubject(subject);
  const stream = source === null ? null : streamId(source.cluster, source.peer);
  if (!Array.isArray(raw)) return [itemOf(subject, stream, raw, () => text)];
  if (raw.length === 0) return [{ subject, payload: text, refusal: 'empty batch' }];
  return raw.map((element: unknown) => itemOf(subject, stream, element, () => JSON.stringify(element)));
}

function itemOf(subject: string, stream: string | null, raw: unknown, payload: () => string): IngestItem {
  const envelope = readEnvelope(raw);
  if (typeof envelope === 'string') return { subject, payload: payload(), refusal: envelope };
  if (stream !== envelope.stream) {
    return {
      subject,
      payload: payload(),
      refusal: `forged: stream ${envelope.stream} published on ${subject}`,
    };
  }
  const dataError = eventDataError(envelope.type, envelope.data as Record<string, unknown>);
  return dataError === null ? { subject, envelope } : { subject, payload: payload(), refusal: dataError };
}
