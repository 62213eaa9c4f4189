import type { HaEvent } from '@haco/ha-core';
import {
  chainEnvelopes,
  commandSubject,
  GENESIS_HASH,
  eventSubject,
  fromEnvelope,
  parseEventSubject,
  readEnvelope,
  streamId,
  subjectTokenError,
  toEnvelope,
} from '../src';

describe('subjects', () => {
  it('names each peer\u2019s command and event subjects and parses them back', () => {
    expect(commandSubject('lab', 'server1')).toBe('haco.lab.server1.cmd');
    expect(eventSubject('lab', 'server1')).toBe('haco.lab.server1.events');
    expect(parseEventSubject('haco.lab.server1.events')).toEqual({ cluster: 'lab', peer: 'server1' });
    expect(parseEventSubject('haco.lab.server1.cmd')).toBeNull();
    expect(streamId('lab', 'server1')).toBe('lab/server1');
  });

  it.each(['a.b', 'a b', '', '*', '>', 'x'.repeat(65)])('refuses %p as a subject token', (name) => {
    expect(subjectTokenError('cluster', name)).toContain('cluster must be');
  });
});

describe('event envelopes', () => {
  const event: HaEvent = {
    type: 'StateTransitioned',
    from: 'waiting',
    to: 'syncing',
    partnerState: 'waiting',
    cause: { kind: 'rule', trigger: 'heartbeat-complete', rule: 'primary-goes-first' },
  };
  const [envelope] = chainEnvelopes(GENESIS_HASH, [
    toEnvelope(event, {
      id: 'e-1',
      stream: 'lab/server1',
      seq: 1,
      at: '2026-11-25T02:00:00.000Z',
      causationId: null,
    }),
  ]).envelopes;

  it('round-trips an event through JSON', () => {
    const read = readEnvelope(JSON.parse(JSON.stringify(envelope)));
    expect(read).toEqual(envelope);
    expect(fromEnvelope(read as typeof envelope)).toEqual(event);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an old schema', { schema: 0 }, 'unsupported envelope schema'],
    ['no id', { id: '' }, 'id must be'],
    ['a stream without a peer', { stream: 'lab' }, 'stream must be'],
    ['seq 0', { seq: 0 }, 'seq must be'],
    ['a fractional seq', { seq: 1.5 }, 'seq must be'],
    ['an unknown type', { type: 'Exploded' }, 'unknown event type'],
    ['data as a list', { data: [] }, 'data must be an object'],
    ['a local time', { at: '2026-11-25 02:00' }, 'at must be'],
    ['a numeric causation', { causationId: 5 }, 'causationId must be'],
    ['no link to the event before', { prevHash: undefined }, 'prevHash must be'],
    ['a link that is no hash', { prevHash: 'F'.repeat(64) }, 'prevHash must be'],
  ])('refuses %s', (_label, change, reason) => {
    expect(readEnvelope({ ...envelope, ...change })).toContain(reason);
  });

  it('refuses what is not an object', () => {
    expect(readEnvelope('{}')).toBe('envelope is not a JSON object');
  });
});
