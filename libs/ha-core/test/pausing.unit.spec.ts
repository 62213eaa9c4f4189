import type { HaEvent, HaMachineState, HaState } from '../src';
import { decide, evolve, HaService, keaLogLines } from '../src';
import type { PartnerState } from '../src/probe';
import { MachineProbe, settledMachine } from '../src/probe';
import { eventTypes, haConfig, runFrom, stepOnce } from './support';

const partner = (state: PartnerState, clockSkewSeconds = 0) => ({
  state,
  scopes: [],
  unsentUpdateCount: 0,
  previousUnsentUpdateCount: 0,
  clockSkewSeconds,
});

function pausing(states: Record<string, string>) {
  return { 'state-machine': { states: Object.entries(states).map(([state, pause]) => ({ state, pause })) } };
}

function logIds(start: HaMachineState, events: readonly HaEvent[]): string[] {
  const ids: string[] = [];
  let machine = start;
  for (const event of events) {
    ids.push(...keaLogLines(event, machine).map((l) => l.id));
    machine = evolve(machine, event);
  }
  return ids;
}

describe('pause-on-entry rule (spec 4.3)', () => {
  const rule = [
    {
      pause: 'always',
      paused: false,
      consumed: [] as HaState[],
      expectPaused: true,
      expectConsumed: [] as HaState[],
    },
    { pause: 'once', paused: false, consumed: [], expectPaused: true, expectConsumed: ['ready'] },
    { pause: 'once', paused: false, consumed: ['ready'], expectPaused: false, expectConsumed: ['ready'] },
    { pause: 'once', paused: true, consumed: [], expectPaused: true, expectConsumed: [] },
    { pause: 'never', paused: false, consumed: [], expectPaused: false, expectConsumed: [] },
    { pause: 'always', paused: true, consumed: [], expectPaused: true, expectConsumed: [] },
  ] as const;

  it.each(rule)(
    'ready: $pause, already paused $paused, once used $consumed -> paused $expectPaused',
    ({ pause, paused, consumed, expectPaused, expectConsumed }) => {
      const config = haConfig('load-balancing', 'primary', pausing({ ready: pause }));
      const machine = settledMachine(config, 'waiting', { paused, pauseOnceConsumed: [...consumed] });
      const probe = new MachineProbe(machine, 0);
      probe.enter('ready', 't');
      const after = probe.state;
      expect(after.state).toBe('ready');
      expect(after.paused).toBe(expectPaused);
      expect(after.pauseOnceConsumed).toEqual(expectConsumed);
    },
  );

  it('applies to the initial entry into waiting at start-up', () => {
    const config = haConfig('load-balancing', 'primary', pausing({ waiting: 'once' }));
    const service = new HaService();
    const events = service.handle({ type: 'start', at: 0, config });
    expect(service.state?.state).toBe('waiting');
    expect(service.state?.paused).toBe(true);
    expect(service.state?.pauseOnceConsumed).toEqual(['waiting']);
    expect(eventTypes(events)).toEqual([
      'ServiceStarted',
      'StateMachinePaused',
      'StateEntered',
      'HeartbeatStarted',
    ]);
    const entered = events.find((e) => e.type === 'StateEntered');
    expect(entered).toMatchObject({ state: 'waiting', paused: true, scopes: [], dhcpEnabled: false });
  });

  it('resets once markers and the flag on every new service instance (reconfiguration)', () => {
    const config = haConfig('load-balancing', 'primary', pausing({ waiting: 'once' }));
    const service = new HaService();
    service.handle({ type: 'start', at: 0, config });
    service.handle({ type: 'command', at: 1, commandId: 'c1', request: { command: 'ha-continue' } });
    expect(service.state?.paused).toBe(false);
    service.handle({ type: 'start', at: 2, config });
    expect(service.state?.paused).toBe(true);
    expect(service.state?.pauseOnceConsumed).toEqual(['waiting']);
  });

  it('never re-triggers while staying in a state: always pauses on every entry, not every heartbeat', () => {
    const config = haConfig('load-balancing', 'primary', pausing({ 'load-balancing': 'always' }));
    const machine = settledMachine(config, 'load-balancing', { partner: partner('load-balancing') });
    const { machine: after, events } = stepOnce(machine);
    expect(after.paused).toBe(false);
    expect(events).toEqual([]);
  });
});

describe('a paused machine (spec 4.4)', () => {
  const lb = (settings = {}) =>
    haConfig('load-balancing', 'primary', { 'max-unacked-clients': 0, ...settings });

  it.each<[HaState, PartnerState]>([
    ['waiting', 'load-balancing'],
    ['ready', 'ready'],
    ['load-balancing', 'partner-down'],
    ['communication-recovery', 'load-balancing'],
    ['partner-down', 'ready'],
    ['partner-in-maintenance', 'unavailable'],
    ['syncing', 'ready'],
  ])('in %s ignores a partner in %s', (state, partnerState) => {
    const machine = settledMachine(lb(), state, {
      paused: true,
      partner: partner(partnerState),
      communication: {
        status: 'failed',
        ageSeconds: 70,
        connectingClients: 0,
        unackedClients: 0,
        analyzedPackets: 0,
      },
    });
    const { machine: after, events } = stepOnce(machine);
    expect(after.state).toBe(state);
    expect(events.filter((e) => e.type === 'StateTransitioned' || e.type === 'PartnerCallRequested')).toEqual(
      [],
    );
  });

  it('does not check the clock skew', () => {
    const machine = settledMachine(lb(), 'load-balancing', {
      paused: true,
      partner: partner('load-balancing', 120),
    });
    expect(stepOnce(machine).machine.state).toBe('load-balancing');
    expect(stepOnce({ ...machine, paused: false }).machine.state).toBe('terminated');
  });

  it('makes no sync attempt in syncing and keeps the heartbeat that was running', () => {
    const machine = settledMachine(lb(), 'syncing', { paused: true, partner: partner('ready') });
    const { machine: after, events } = stepOnce(machine);
    expect(events.some((e) => e.type === 'PartnerCallRequested')).toBe(false);
    expect(after.heartbeatRunning).toBe(true);
  });

  it('still runs entry actions: paused on entry to partner-down it already serves both scopes', () => {
    const config = lb(pausing({ 'partner-down': 'always' }));
    const machine = settledMachine(config, 'load-balancing', {
      partner: partner('unavailable'),
      communication: {
        status: 'interrupted',
        ageSeconds: 61,
        connectingClients: 0,
        unackedClients: 0,
        analyzedPackets: 0,
      },
    });
    const { machine: after, events } = runFrom(machine, 'cascade');
    expect(after.state).toBe('partner-down');
    expect(after.paused).toBe(true);
    expect(after.scopes).toEqual(['server1', 'server2']);
    expect(after.dhcpEnabled).toBe(true);
    expect(after.heartbeatRunning).toBe(true);
    expect(logIds(machine, events)).toContain('HA_STATE_MACHINE_PAUSED');
  });

  it('stops a cascade: one heartbeat goes no further than the paused state', () => {
    const config = haConfig('load-balancing', 'primary', pausing({ syncing: 'always' }));
    const machine = settledMachine(config, 'waiting', { partner: partner('waiting') });
    const { machine: after, events } = runFrom(machine, 'cascade');
    expect(after.state).toBe('syncing');
    expect(after.paused).toBe(true);
    expect(events.some((e) => e.type === 'PartnerCallRequested')).toBe(false);
  });
});

describe('ha-continue (spec 4.5)', () => {
  const config = haConfig('load-balancing', 'primary', pausing({ ready: 'always', waiting: 'once' }));

  it('clears the flag without running the machine', () => {
    const machine = settledMachine(config, 'ready', { paused: true, partner: partner('load-balancing') });
    const events = decide(machine, {
      type: 'command',
      at: 0,
      commandId: 'op-1',
      request: { command: 'ha-continue' },
    });
    expect(eventTypes(events)).toEqual(['CommandReceived', 'StateMachineContinued', 'CommandAnswered']);
    expect(events[2]).toMatchObject({ response: { result: 0, text: 'HA state machine continues.' } });
    const service = new HaService();
    service.handle({ type: 'start', at: 0, config });
    expect(service.state?.paused).toBe(true);
  });

  it('answers "not paused" and changes nothing when not paused, ignoring arguments', () => {
    const machine = settledMachine(config, 'ready');
    const events = decide(machine, {
      type: 'command',
      at: 0,
      commandId: 'op-2',
      request: { command: 'ha-continue', arguments: { 'server-name': 'server1' } },
    });
    expect(eventTypes(events)).toEqual(['CommandReceived', 'CommandAnswered']);
    expect(events[1]).toMatchObject({ response: { result: 0, text: 'HA state machine is not paused.' } });
    expect((events[1] as { response: object }).response).not.toHaveProperty('arguments');
  });

  it('does not consume or reset once markers; the next heartbeat moves on', () => {
    const service = new HaService();
    service.handle({ type: 'start', at: 0, config });
    service.handle({ type: 'command', at: 1, commandId: 'c', request: { command: 'ha-continue' } });
    expect(service.state?.pauseOnceConsumed).toEqual(['waiting']);
    expect(service.state?.state).toBe('waiting');
    service.handle({
      type: 'heartbeat-completed',
      at: 2,
      result: { ok: true, partnerState: 'waiting', scopes: [], unsentUpdateCount: 0, clockSkewSeconds: 0 },
    });
    // Primary goes first: waiting -> syncing; the sync is requested within the same heartbeat.
    expect(service.state?.state).toBe('syncing');
    expect(service.state?.pendingCall?.call.kind).toBe('lease-sync');
  });
});

describe('forced transitions keep the pause (spec 4.4, 6.3)', () => {
  it('a paused server moved by maintenance stays paused and logs the pause in the restored state', () => {
    const config = haConfig('load-balancing', 'secondary', pausing({ 'in-maintenance': 'always' }));
    const service = new HaService();
    service.handle({ type: 'start', at: 0, config });
    let machine = settledMachine(config, 'load-balancing', { partner: partner('load-balancing') });
    const notify = (cancel: boolean) =>
      decide(machine, {
        type: 'command',
        at: 0,
        commandId: `n-${cancel}`,
        request: { command: 'ha-maintenance-notify', arguments: { cancel } },
      });
    let events = notify(false);
    machine = events.reduce((m, e) => evolve(m, e), machine);
    expect(machine.state).toBe('in-maintenance');
    expect(machine.paused).toBe(true);
    const before = machine;
    events = notify(true);
    machine = events.reduce((m, e) => evolve(m, e), machine);
    expect(machine.state).toBe('load-balancing');
    expect(machine.paused).toBe(true);
    expect(logIds(before, events)).toEqual(
      expect.arrayContaining(['HA_STATE_TRANSITION', 'HA_STATE_MACHINE_PAUSED']),
    );
  });
});
