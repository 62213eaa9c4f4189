import type { HaState } from '../src';
import { transitionExplained } from '../src';
import { haConfig } from './support';

const lb = haConfig('load-balancing', 'primary');
const hs = haConfig('hot-standby', 'standby');

/** The shadow check of a real Kea server's transitions: what Kea 2.2's rules could do, and what not. */
describe('transitionExplained', () => {
  it.each<[string, HaState, HaState, string]>([
    ['a primary goes first', 'waiting', 'syncing', 'waiting'],
    ['a sync ends', 'syncing', 'ready', 'ready'],
    ['both ready', 'ready', 'load-balancing', 'ready'],
    ['the partner is lost', 'load-balancing', 'communication-recovery', 'unavailable'],
    ['the partner is down', 'load-balancing', 'partner-down', 'unavailable'],
    ['the partner Kea logs as UNDEFINED is lost', 'load-balancing', 'communication-recovery', 'undefined'],
    ['a partner back from partner-down', 'partner-down', 'load-balancing', 'ready'],
    ['maintenance', 'load-balancing', 'partner-in-maintenance', 'load-balancing'],
    ['a maintenance cancel', 'in-maintenance', 'load-balancing', 'load-balancing'],
    ['an ha-reset', 'load-balancing', 'waiting', 'load-balancing'],
  ])('explains %s', (_what, from, to, partner) => {
    expect(transitionExplained(lb, from, to, partner)).toBe(true);
  });

  it.each<[string, HaState, HaState, string]>([
    ['waiting straight to load-balancing', 'waiting', 'load-balancing', 'waiting'],
    ['syncing straight to load-balancing', 'syncing', 'load-balancing', 'ready'],
    ['communication-recovery back to syncing', 'communication-recovery', 'syncing', 'load-balancing'],
    ['a terminated server back in service', 'terminated', 'load-balancing', 'load-balancing'],
  ])('flags %s', (_what, from, to, partner) => {
    expect(transitionExplained(lb, from, to, partner)).toBe(false);
  });

  it('knows a hot-standby relationship has no communication-recovery', () => {
    expect(transitionExplained(hs, 'hot-standby', 'communication-recovery', 'unavailable')).toBe(false);
    expect(transitionExplained(hs, 'ready', 'hot-standby', 'hot-standby')).toBe(true);
  });
});
