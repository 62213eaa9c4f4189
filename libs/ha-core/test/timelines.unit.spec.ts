import type { HaEvent, HaMachineState } from '../src';
import { evolve, keaLogLines } from '../src';
import { InMemoryPair } from './pair';
import { haConfig } from './support';

const pausing = (states: Record<string, string>) => ({
  'state-machine': { states: Object.entries(states).map(([state, pause]) => ({ state, pause })) },
});

function lbPair(primary: Record<string, string> = {}, secondary: Record<string, string> = {}, settings = {}) {
  return new InMemoryPair({
    primary: haConfig('load-balancing', 'primary', { ...settings, ...pausing(primary) }),
    secondary: haConfig('load-balancing', 'secondary', { ...settings, ...pausing(secondary) }),
  });
}

const transitions = (events: HaEvent[]) =>
  events.flatMap((e) => (e.type === 'StateTransitioned' && e.from !== e.to ? [`${e.from}>${e.to}`] : []));

/** The pause-related Kea log ids of events[from..], each derived with the state it was applied to. */
function pauseLogs(events: HaEvent[], from: number): string[] {
  const ids: string[] = [];
  let machine: HaMachineState | null = null;
  events.forEach((event, index) => {
    if (index >= from) ids.push(...keaLogLines(event, machine).map((l) => l.id));
    machine = evolve(machine, event);
  });
  return ids.filter((id) => id.includes('STATE_MACHINE'));
}

describe('worked timelines of spec 4.7, on an in-memory pair', () => {
  it('1. waiting: once on the primary holds both; continue lets them reach load-balancing', () => {
    const pair = lbPair({ waiting: 'once' });
    pair.start('primary');
    pair.start('secondary');
    pair.settle();
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['waiting', true]);
    expect(pair.state('secondary').state).toBe('waiting');

    expect(pair.command('primary', { command: 'ha-continue' })).toEqual({
      result: 0,
      text: 'HA state machine continues.',
    });
    expect(pair.state('primary').state).toBe('waiting');
    pair.heartbeat('primary');
    // One heartbeat: waiting -> syncing, the sync, syncing -> ready.
    expect(transitions(pair.events.primary)).toEqual(['waiting>syncing', 'syncing>ready']);
    pair.settle();
    expect(pair.state('primary').state).toBe('load-balancing');
    expect(pair.state('secondary').state).toBe('load-balancing');

    pair.command('primary', { command: 'ha-reset' });
    expect(pair.state('primary').paused).toBe(false);
  });

  it('2. ready: always + partner-down: once with max-unacked-clients 0, through a secondary crash', () => {
    const pair = lbPair({ ready: 'always', 'partner-down': 'once' }, {}, { 'max-unacked-clients': 0 });
    pair.start('primary');
    pair.start('secondary');
    pair.settle();
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['ready', true]);
    expect(pair.state('secondary').state).toBe('ready');
    pair.command('primary', { command: 'ha-continue' });
    pair.settle();
    expect([pair.state('primary').state, pair.state('secondary').state]).toEqual([
      'load-balancing',
      'load-balancing',
    ]);

    pair.kill('secondary');
    pair.heartbeat('primary');
    expect(pair.state('primary').state).toBe('communication-recovery');
    pair.heartbeat('primary', 'interrupted');
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['partner-down', true]);
    expect(pair.state('primary').pauseOnceConsumed).toContain('partner-down');

    pair.start('secondary');
    pair.settle();
    expect(pair.state('secondary').state).toBe('ready');
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['partner-down', true]);

    pair.command('primary', { command: 'ha-continue' });
    pair.settle();
    expect([pair.state('primary').state, pair.state('secondary').state]).toEqual([
      'load-balancing',
      'load-balancing',
    ]);
  });

  it('3. in-maintenance: always on the secondary; cancel brings it back to load-balancing still paused', () => {
    const pair = lbPair({}, { 'in-maintenance': 'always' });
    pair.start('primary');
    pair.start('secondary');
    pair.settle();
    expect(pair.command('primary', { command: 'ha-maintenance-start' })).toMatchObject({ result: 0 });
    expect(pair.state('primary').state).toBe('partner-in-maintenance');
    expect([pair.state('secondary').state, pair.state('secondary').paused]).toEqual(['in-maintenance', true]);

    const before = pair.events.secondary.length;
    expect(pair.command('primary', { command: 'ha-maintenance-cancel' })).toEqual({
      result: 0,
      text: 'Server maintenance successfully canceled.',
    });
    expect(pair.state('primary').state).toBe('load-balancing');
    expect([pair.state('secondary').state, pair.state('secondary').paused]).toEqual(['load-balancing', true]);
    expect(pauseLogs(pair.events.secondary, before)).toEqual(['HA_STATE_MACHINE_PAUSED']);
    expect(pair.command('secondary', { command: 'ha-continue' })).toEqual({
      result: 0,
      text: 'HA state machine continues.',
    });
  });

  it('4. load-balancing: always holds the state while the partner is dead; continue moves on', () => {
    const pair = lbPair({ 'load-balancing': 'always' });
    pair.start('primary');
    pair.start('secondary');
    pair.settle();
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['load-balancing', true]);
    pair.kill('secondary');
    for (let i = 0; i < 3; i += 1) pair.heartbeat('primary', 'interrupted');
    expect(pair.state('primary').state).toBe('load-balancing');
    expect(pair.state('primary').heartbeatRunning).toBe(true);
    pair.command('primary', { command: 'ha-continue' });
    pair.heartbeat('primary');
    expect(pair.state('primary').state).toBe('communication-recovery');
  });

  it('5. hot-standby, syncing: always: no sync until continue, then ready and hot-standby', () => {
    const pair = new InMemoryPair({
      primary: haConfig('hot-standby', 'primary', pausing({ syncing: 'always' })),
      secondary: haConfig('hot-standby', 'standby'),
    });
    pair.start('primary');
    pair.start('secondary');
    pair.settle();
    expect([pair.state('primary').state, pair.state('primary').paused]).toEqual(['syncing', true]);
    expect(pair.events.primary.some((e) => e.type === 'PartnerCallRequested')).toBe(false);
    pair.command('primary', { command: 'ha-continue' });
    pair.settle();
    expect(transitions(pair.events.primary)).toEqual(
      expect.arrayContaining(['waiting>syncing', 'syncing>ready', 'ready>hot-standby']),
    );
    expect([pair.state('primary').state, pair.state('secondary').state]).toEqual([
      'hot-standby',
      'hot-standby',
    ]);
  });
});
