import type { EventEnvelope } from '@haco/contracts';
import { parseHaConfig, queryScope } from '@haco/ha-core';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';
import { generateStream } from '../../tools/harness/stream-generator';
import type { ScopeOf } from '../../soak/checker';
import { checkExactlyOnce, checkScopes, servingTimeline } from '../../soak/checker';
import type { QueryRecord } from '../../soak/load';
import { checkCommandsOnce } from '../../soak/command-checks';

const stored = (events: readonly EventEnvelope[]) => events.map((e, i) => ({ ...e, position: i + 1 }));
const emitted = generateStream('lab/server1', 300, 3);

describe('the soak checker', () => {
  it('passes a stream stored exactly as emitted', () => {
    expect(checkExactlyOnce('lab/server1', emitted, stored(emitted)).passed).toBe(true);
  });

  it.each([
    ['a lost event', stored(emitted.filter((e) => e.seq !== 40))],
    ['a duplicate', stored([...emitted.slice(0, 10), emitted[9], ...emitted.slice(10)])],
    ['two events swapped', stored([emitted[1], emitted[0], ...emitted.slice(2)])],
    [
      'changed data',
      stored(emitted.map((e) => (e.seq === 7 ? { ...e, at: '2020-01-01T00:00:00.000Z' } : e))),
    ],
  ])('fails on %s', (_label, log) => {
    expect(checkExactlyOnce('lab/server1', emitted, log).passed).toBe(false);
  });

  const at = (s: number) => Date.parse('2026-11-25T00:00:00Z') + s * 1000;
  const entered = (s: number, state: string, scopes: string[], seq: number): EventEnvelope =>
    ({
      schema: 1,
      id: `e${seq}`,
      stream: 'c/p',
      seq,
      type: 'StateEntered',
      data: { state, scopes, dhcpEnabled: true },
      at: new Date(at(s)).toISOString(),
      causationId: null,
      correlationId: null,
    }) as unknown as EventEnvelope;
  const timelines = new Map([
    [
      'c/server1',
      servingTimeline(
        stored([
          entered(0, 'load-balancing', ['server1'], 1),
          entered(10, 'partner-down', ['server1', 'server2'], 2),
        ]),
      ),
    ],
    ['c/server2', servingTimeline(stored([entered(0, 'load-balancing', ['server2'], 1)]))],
  ]);
  const config = parseHaConfig([LOAD_BALANCING_RELATIONSHIP]);
  const scopeOf: ScopeOf = (_cluster, hwAddress) => queryScope(config, { hwAddress });
  /** A client whose RFC 3074 hash puts it in `scope`. */
  const clientOf = (scope: string) =>
    Array.from({ length: 64 }, (_, i) => `00:11:22:33:44:${i.toString(16).padStart(2, '0')}`).find(
      (mac) => scopeOf('c', mac) === scope,
    )!;
  const query = (
    s: number,
    answers: Record<string, string | null>,
    hwAddress = clientOf('server2'),
  ): QueryRecord => ({
    cluster: 'c',
    hwAddress,
    sentAt: at(s),
    answers: Object.fromEntries(
      Object.entries(answers).map(([peer, scope]) => [peer, { receivedAt: at(s) + 5, scope }]),
    ),
  });

  it('accepts answers each peer\u2019s log explains, and double service during partner-down', () => {
    const checks = checkScopes(
      [
        query(1, { server1: 'server1', server2: null }, clientOf('server1')),
        query(11, { server1: 'server2', server2: 'server2' }),
      ],
      timelines,
      scopeOf,
    );
    expect(checks.map((c) => c.passed)).toEqual([true, true, true]);
  });

  it('flags an answer for a scope the peer did not serve, and double service in load-balancing', () => {
    const [scopes, own, doubled] = checkScopes(
      [query(1, { server1: 'server2', server2: 'server2' })],
      timelines,
      scopeOf,
    );
    expect(scopes.passed).toBe(false);
    expect(own.passed).toBe(true);
    expect(doubled.passed).toBe(false);
  });

  it('flags an answer in a scope the peer served that is not the client\u2019s own', () => {
    const [scopes, own, doubled] = checkScopes(
      [query(11, { server1: 'server1', server2: null }, clientOf('server2'))],
      timelines,
      scopeOf,
    );
    expect(scopes.passed).toBe(true);
    expect(own.passed).toBe(false);
    expect(own.detail).toMatch(/its hash scope is server2/);
    expect(doubled.passed).toBe(true);
  });

  it('finds a command recorded twice, one answered but not recorded, and one without its outcome', () => {
    const done = (commandId: string) => ({ commandId, outcome: 'completed' });
    expect(checkCommandsOnce(['a', 'b'], [done('a'), done('b'), done('c')])).toMatchObject({ passed: true });
    const twice = checkCommandsOnce(['a'], [done('a'), done('a')]);
    expect(twice).toMatchObject({ passed: false, detail: expect.stringContaining('a recorded 2 times') });
    const lost = checkCommandsOnce(['a', 'b'], [done('a')]);
    expect(lost).toMatchObject({
      passed: false,
      detail: expect.stringContaining('b answered, recorded 0 times'),
    });
    const pending = checkCommandsOnce(['a'], [{ commandId: 'a', outcome: 'pending' }]);
    expect(pending).toMatchObject({
      passed: false,
      detail: expect.stringContaining('outcome is not recorded'),
    });
  });
});
