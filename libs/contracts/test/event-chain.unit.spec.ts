import { execFileSync } from 'node:child_process';
import type { EventEnvelope, UnchainedEnvelope } from '../src';
import { chainEnvelopes, eventHash, GENESIS_HASH } from '../src';

const unchained = (seq: number, data: Record<string, unknown> = { state: 'ready', commandId: 'c' }) =>
  ({
    schema: 1,
    id: `e-${seq}`,
    stream: 'lab/server1',
    seq,
    type: 'StateMachineContinued',
    data,
    at: '2026-11-25T02:00:00.000Z',
    causationId: null,
    correlationId: null,
  }) as UnchainedEnvelope;

describe('the hash chain of a stream', () => {
  const { envelopes, head } = chainEnvelopes(GENESIS_HASH, [unchained(1), unchained(2), unchained(3)]);

  it('links each event to the hash of the one before it, the first to the genesis hash', () => {
    expect(envelopes.map((e) => e.prevHash)).toEqual([
      GENESIS_HASH,
      eventHash(envelopes[0]),
      eventHash(envelopes[1]),
    ]);
    expect(head).toBe(eventHash(envelopes[2]));
    expect(head).toMatch(/^[0-9a-f]{64}$/);
  });

  it('goes on from a given head: two appends chain as one', () => {
    const first = chainEnvelopes(GENESIS_HASH, [unchained(1)]);
    const rest = chainEnvelopes(first.head, [unchained(2), unchained(3)]);
    expect([...first.envelopes, ...rest.envelopes]).toEqual(envelopes);
    expect(rest.head).toBe(head);
  });

  it.each<[string, Partial<EventEnvelope>]>([
    ['its data', { data: { state: 'ready', commandId: 'd' } }],
    ['its time', { at: '2026-11-25T02:00:00.001Z' }],
    ['its seq', { seq: 9 }],
    ['its id', { id: 'e-9' }],
    ['its cause', { causationId: 'x' }],
    ['its link', { prevHash: 'f'.repeat(64) }],
  ])('changes with %s', (_label, change) => {
    expect(eventHash({ ...envelopes[1], ...change })).not.toBe(eventHash(envelopes[1]));
  });

  it('is the same after the event’s JSON has been read and written again (wire, log, archive, export)', () => {
    const travelled = JSON.parse(JSON.stringify(envelopes[0])) as EventEnvelope;
    expect(eventHash(travelled)).toBe(eventHash(envelopes[0]));
  });

  it('is the SHA-256 of its fields as a compact JSON array, as another language computes it', () => {
    // The recipe of docs/audit.md, in Python: an auditor's own check of an exported line.
    const python = execFileSync(
      'python3',
      [
        '-c',
        'import sys, json, hashlib; e = json.load(sys.stdin); ' +
          'f = [e.get("prevHash"), e["id"], e["stream"], e["seq"], e["type"], e["at"], e["causationId"], ' +
          'e["correlationId"], e["data"]]; ' +
          'print(hashlib.sha256(json.dumps(f, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest())',
      ],
      { input: JSON.stringify(envelopes[1]), encoding: 'utf8' },
    ).trim();
    expect(python).toBe(eventHash(envelopes[1]));
  });
});
