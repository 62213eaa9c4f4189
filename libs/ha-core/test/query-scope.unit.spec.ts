import { queryScope } from '../src';
import { loadBalanceHash } from '../src/observe/query-scope';
import { haConfig } from './support';

describe('load-balancing scope of a query (RFC 3074 hash)', () => {
  it('follows the RFC algorithm on hand-worked keys', () => {
    // len 1, key [0x01]: table[1 ^ 1] = table[0] = 251.
    expect(loadBalanceHash([0x01])).toBe(251);
    // len 2, key [0x02, 0x02]: table[2 ^ 2] = 251, then table[251 ^ 2] = table[249] = 80 (7th from the end).
    expect(loadBalanceHash([0x02, 0x02])).toBe(80);
    expect(loadBalanceHash([])).toBe(0);
  });

  it('mixes with a permutation of 0..255 (the table was transcribed whole)', () => {
    const images = new Set(Array.from({ length: 256 }, (_, b) => loadBalanceHash([b ^ 1])));
    expect(images.size).toBe(256);
  });

  const lb = haConfig('load-balancing', 'secondary');

  it('splits clients between primary and secondary, preferring the client identifier', () => {
    expect(queryScope(lb, { hwAddress: '01' })).toBe('server2');
    expect(queryScope(lb, { hwAddress: '02:02' })).toBe('server1');
    expect(queryScope(lb, { hwAddress: '01', clientId: '02:02' })).toBe('server1');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1000; i += 1) {
      const mac = `08:00:27:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}:01`;
      const scope = queryScope(lb, { hwAddress: mac }) ?? 'none';
      counts[scope] = (counts[scope] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['server1', 'server2']);
    expect(counts['server1']).toBeGreaterThan(350);
    expect(counts['server2']).toBeGreaterThan(350);
  });

  it('gives every query to the primary in hot-standby', () => {
    expect(queryScope(haConfig('hot-standby', 'standby'), { hwAddress: '01' })).toBe('server1');
  });

  it('has no scope for a client without identifiers', () => {
    expect(queryScope(lb, { hwAddress: '' })).toBeNull();
  });
});
