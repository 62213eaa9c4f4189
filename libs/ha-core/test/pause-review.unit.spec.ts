import { reviewPauses } from '../src';
import { haConfig } from './support';

const pauses = (states: Record<string, string>) => ({
  'state-machine': { states: Object.entries(states).map(([state, pause]) => ({ state, pause })) },
});
const codes = (findings: ReturnType<typeof reviewPauses>) =>
  findings.map((f) => `${f.code}:${f.state ?? f.setting}`);

/** The pause traps Kea's documentation warns of in prose, found in one server's configuration or a pair's. */
describe('the review of pause configurations', () => {
  it('finds nothing in a pair without pauses whose failover meets its target', () => {
    const server1 = haConfig('load-balancing', 'primary', {
      'heartbeat-delay': 1000,
      'max-response-delay': 3000,
    });
    const server2 = haConfig('load-balancing', 'secondary', {
      'heartbeat-delay': 1000,
      'max-response-delay': 3000,
    });
    expect(reviewPauses(server1, server2, { failoverTargetMs: 14_000 })).toEqual([]);
  });

  it('names a pause in partner-down, in syncing, in a state never left and in one never entered', () => {
    const config = haConfig(
      'load-balancing',
      'primary',
      pauses({ 'partner-down': 'once', syncing: 'always', terminated: 'always', 'hot-standby': 'once' }),
    );
    expect(codes(reviewPauses(config, null)).sort()).toEqual([
      'PAUSE-NEVER-ENTERED:hot-standby',
      'PAUSE-NEVER-LEFT:terminated',
      'PAUSE-PARTNER-DOWN:partner-down',
      'PAUSE-SYNCING:syncing',
    ]);
  });

  it('with the partner: a pause that holds it too, both waiting always, and pauses that differ', () => {
    const server1 = haConfig('hot-standby', 'primary', pauses({ waiting: 'always', ready: 'once' }));
    const server2 = haConfig('hot-standby', 'standby', pauses({ waiting: 'always' }));
    const findings = reviewPauses(server1, server2);
    expect(codes(findings).sort()).toEqual([
      'PAUSE-HOLDS-PARTNER:ready',
      'PAUSE-HOLDS-PARTNER:waiting',
      'PAUSE-WAITING-BOTH:waiting',
      'STATE-MACHINE-DIFFERS:state-machine',
    ]);
    expect(findings.find((f) => f.code === 'STATE-MACHINE-DIFFERS')?.text).toContain(
      'ready once, waiting always here, waiting always there',
    );
    // Alone, the same file has no partner to hold or to differ from.
    expect(codes(reviewPauses(server1, null))).toEqual([]);
  });

  it('bounds partner-down by heartbeat-delay, max-response-delay and, with unacked clients, max-ack-delay', () => {
    const byHeartbeats = haConfig('load-balancing', 'primary', {
      'heartbeat-delay': 2000,
      'max-response-delay': 6000,
      'max-unacked-clients': 0,
    });
    expect(reviewPauses(byHeartbeats, null, { failoverTargetMs: 8000 })).toEqual([]);
    const [slow] = reviewPauses(byHeartbeats, null, { failoverTargetMs: 7999 });
    expect(slow).toMatchObject({ code: 'FAILOVER-SLOWER-THAN-TARGET', setting: 'heartbeat-delay' });
    expect(slow.text).toContain('up to 8000 ms (heartbeat-delay 2000 + max-response-delay 6000)');
    const byClients = haConfig('load-balancing', 'primary', { 'max-unacked-clients': 5 });
    expect(reviewPauses(byClients, null, { failoverTargetMs: 1 })[0].text).toContain(
      '+ max-ack-delay 10000), over the target of 1 ms',
    );
  });
});
