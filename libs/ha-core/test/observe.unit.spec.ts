import { interpretHeartbeatAnswer } from '../src';
import { formatRfc1123, parseRfc1123 } from '../src/kea/rfc1123';

describe('RFC 1123 dates without the runtime clock', () => {
  it.each([0, 951_782_400_000, 1_764_021_044_000, 4_102_444_799_000, -86_400_000])(
    'formats %p exactly as Node does, and parses it back',
    (ms) => {
      const text = formatRfc1123(ms);
      expect(text).toBe(new Date(ms).toUTCString());
      expect(parseRfc1123(text)).toBe(Math.floor(ms / 1000) * 1000);
    },
  );

  it.each(['Tue, 24 Nov 2026 22:10:44', '24 Nov 2026 22:10:44 GMT', 'Tue, 24 Foo 2026 22:10:44 GMT', ''])(
    'rejects %p',
    (text) => expect(parseRfc1123(text)).toBeNull(),
  );
});

describe("reading a partner's ha-heartbeat answer (spec 1.4)", () => {
  const now = 1_764_021_044_000;
  const good = (args: Record<string, unknown>, result = 0) => ({
    result,
    text: 'HA peer status returned.',
    arguments: {
      state: 'load-balancing',
      'date-time': formatRfc1123(now + 5_000),
      scopes: ['server2'],
      ...args,
    },
  });

  it('accepts result 0 and 3, computing the clock skew in whole seconds', () => {
    expect(interpretHeartbeatAnswer(good({ 'unsent-update-count': 4 }), now)).toEqual({
      ok: true,
      partnerState: 'load-balancing',
      scopes: ['server2'],
      unsentUpdateCount: 4,
      clockSkewSeconds: 5,
    });
    expect(interpretHeartbeatAnswer([good({}, 3)], now)).toMatchObject({ ok: true, unsentUpdateCount: null });
  });

  it('truncates a partial second of skew toward zero, as Kea does', () => {
    const answer = good({ 'date-time': formatRfc1123(now) });
    expect(interpretHeartbeatAnswer(answer, now + 1_500)).toMatchObject({ clockSkewSeconds: -1 });
    expect(interpretHeartbeatAnswer(answer, now + 900)).toMatchObject({ clockSkewSeconds: 0 });
  });

  it.each<[string, unknown]>([
    ['an error result', { result: 1, text: 'Unauthorized' }],
    ['a bare 401 map', { result: 401, text: 'Unauthorized' }],
    ['no arguments', { result: 0 }],
    ['arguments as a list', { result: 0, arguments: [] }],
    ['no state', good({ state: undefined })],
    ['an unknown state', good({ state: 'sleeping' })],
    ['the pseudo state unavailable', good({ state: 'unavailable' })],
    ['no date-time', good({ 'date-time': undefined })],
    ['a bad date-time', good({ 'date-time': '2026-11-24T22:10:44Z' })],
    ['a non-integer unsent-update-count', good({ 'unsent-update-count': '3' })],
    ['nothing at all', undefined],
  ])('fails on %s', (_label, answer) => {
    expect(interpretHeartbeatAnswer(answer, now)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});
