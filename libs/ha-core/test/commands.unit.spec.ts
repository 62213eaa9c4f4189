import type { HaMachineState, HaState, PartnerCallOutcome } from '../src';
import type { PartnerState } from '../src/probe';
import { MachineProbe, settledMachine } from '../src/probe';
import { haConfig, OK, REFUSED } from './support';

/*
 * Longer than 250 lines because it is a table of every command's answers, one case a row.
 */
const partner = (state: PartnerState) => ({
  state,
  scopes: [],
  unsentUpdateCount: 0,
  previousUnsentUpdateCount: 0,
  clockSkewSeconds: 0,
});

function send(machine: HaMachineState, request: unknown, outcome: PartnerCallOutcome = OK) {
  const probe = new MachineProbe(machine, 1_764_021_044_000);
  probe.command('cmd-1', request);
  const calls: string[] = [];
  probe.answerCalls((call) => {
    calls.push(call.kind);
    return outcome;
  });
  const answered = probe.events.filter((e) => e.type === 'CommandAnswered');
  expect(answered).toHaveLength(1);
  const response = answered[0].type === 'CommandAnswered' ? answered[0].response : null;
  return { response, machine: probe.state, events: [...probe.events], calls };
}

const lb = (role: 'primary' | 'secondary' = 'primary', settings = {}) =>
  haConfig('load-balancing', role, settings);
const inState = (state: HaState, overrides: Partial<HaMachineState> = {}) =>
  settledMachine(lb(), state, { partner: partner('load-balancing'), ...overrides });

describe('ha-reset (spec 5.4)', () => {
  it('answers that waiting is already reached, and does nothing', () => {
    const { response, events } = send(inState('waiting'), { command: 'ha-reset' });
    expect(response).toEqual({ result: 0, text: 'HA state machine already in WAITING state.' });
    expect(events.map((e) => e.type)).toEqual(['CommandReceived', 'CommandAnswered']);
  });

  it.each<HaState>(['load-balancing', 'terminated', 'in-maintenance', 'partner-down', 'ready'])(
    'from %s: forced waiting, then exactly one handler run (to syncing, no sync yet)',
    (state) => {
      const { response, machine, calls } = send(inState(state), { command: 'ha-reset' });
      expect(response).toEqual({ result: 0, text: 'HA state machine reset.' });
      expect(machine.state).toBe('syncing');
      expect(calls).toEqual([]);
    },
  );

  it('works while paused, and the machine stays paused in waiting', () => {
    const { machine } = send(inState('load-balancing', { paused: true }), { command: 'ha-reset' });
    expect(machine.state).toBe('waiting');
    expect(machine.paused).toBe(true);
  });
});

describe('ha-maintenance-start (spec 5.5)', () => {
  it.each<HaState>(['in-maintenance', 'partner-in-maintenance', 'terminated'])(
    'is refused in %s',
    (state) => {
      const { response, calls } = send(inState(state), { command: 'ha-maintenance-start' });
      expect(response).toEqual({
        result: 1,
        text: `Unable to transition the server from the ${state} to partner-in-maintenance state.`,
      });
      expect(calls).toEqual([]);
    },
  );

  it('partner accepts: partner-in-maintenance serving both scopes', () => {
    const { response, machine, calls } = send(inState('load-balancing'), { command: 'ha-maintenance-start' });
    expect(calls).toEqual(['maintenance-notify']);
    expect(response).toEqual({
      result: 0,
      text: 'Server is now in the partner-in-maintenance state and its partner is in-maintenance state. The partner can be now safely shut down.',
    });
    expect(machine.state).toBe('partner-in-maintenance');
    expect(machine.scopes).toEqual(['server1', 'server2']);
  });

  it.each<[string, PartnerCallOutcome]>([
    ['unreachable', REFUSED],
    ['error 1 (e.g. 401 Unauthorized)', { transportFailed: false, result: 1, text: 'Unauthorized' }],
  ])('partner %s: partner-down serving all scopes even without auto-failover', (_label, outcome) => {
    const machine = inState('load-balancing');
    const noFailover = {
      ...machine,
      config: { ...machine.config, peers: machine.config.peers.map((p) => ({ ...p, autoFailover: false })) },
    };
    const { response, machine: after } = send(noFailover, { command: 'ha-maintenance-start' }, outcome);
    expect(response).toEqual({
      result: 0,
      text: 'Server is now in the partner-down state as its partner appears to be offline for maintenance.',
    });
    expect(after.state).toBe('partner-down');
    expect(after.scopes).toEqual(['server1', 'server2']);
  });

  it('partner refuses with another code: nothing changes', () => {
    const refusal = {
      transportFailed: false as const,
      result: 1001,
      text: 'Unable to transition the server from the terminated to in-maintenance state.',
    };
    const { response, machine } = send(
      inState('load-balancing'),
      { command: 'ha-maintenance-start' },
      refusal,
    );
    expect(response).toEqual({
      result: 1,
      text: 'Unable to transition to the partner-in-maintenance state. The partner server responded with the following message to the ha-maintenance-notify command: Unable to transition the server from the terminated to in-maintenance state., error code 1001.',
    });
    expect(machine.state).toBe('load-balancing');
  });
});

describe('ha-maintenance-notify (spec 5.6)', () => {
  it('cancel false: in-maintenance, serving nothing, DHCP off', () => {
    const { response, machine } = send(inState('load-balancing'), {
      command: 'ha-maintenance-notify',
      arguments: { cancel: false },
    });
    expect(response).toEqual({ result: 0, text: 'Server is in-maintenance state.' });
    expect(machine.state).toBe('in-maintenance');
    expect(machine.scopes).toEqual([]);
    expect(machine.dhcpEnabled).toBe(false);
    expect(machine.previousState).toBe('load-balancing');
  });

  it.each<HaState>(['partner-in-maintenance', 'terminated'])(
    'cancel false is refused with 1001 in %s',
    (state) => {
      const { response } = send(inState(state), {
        command: 'ha-maintenance-notify',
        arguments: { cancel: false },
      });
      expect(response).toEqual({
        result: 1001,
        text: `Unable to transition the server from the ${state} to in-maintenance state.`,
      });
    },
  );

  it('cancel true outside in-maintenance is an error', () => {
    const { response } = send(inState('load-balancing'), {
      command: 'ha-maintenance-notify',
      arguments: { cancel: true },
    });
    expect(response).toEqual({
      result: 1,
      text: 'Unable to cancel the maintenance for the server not in the in-maintenance state.',
    });
  });

  it('cancel true returns to the previous state with a no-op run', () => {
    const machine = inState('in-maintenance', {
      previousState: 'load-balancing',
      partner: partner('partner-down'),
    });
    const { response, machine: after } = send(machine, {
      command: 'ha-maintenance-notify',
      arguments: { cancel: true },
    });
    expect(response).toEqual({ result: 0, text: 'Server maintenance canceled.' });
    // The partner reports partner-down, which would send load-balancing to waiting: the run is a no-op.
    expect(after.state).toBe('load-balancing');
  });

  it.each([undefined, 'text', {}, { cancel: 'yes' }])('bad arguments %p: no answer, as in 2.2.0', (args) => {
    const { response, events } = send(inState('load-balancing'), {
      command: 'ha-maintenance-notify',
      arguments: args,
    });
    expect(response).toBeNull();
    expect(events[events.length - 1]).toMatchObject({ type: 'CommandAnswered', failure: expect.any(String) });
  });
});

describe('ha-maintenance-cancel (spec 5.7)', () => {
  it('is refused outside partner-in-maintenance', () => {
    const { response } = send(inState('load-balancing'), { command: 'ha-maintenance-cancel' });
    expect(response).toEqual({
      result: 1,
      text: 'Unable to cancel maintenance request because the server is not in the partner-in-maintenance state.',
    });
  });

  it('returns to the previous state when the partner agrees', () => {
    const machine = inState('partner-in-maintenance', { previousState: 'load-balancing' });
    const { response, machine: after } = send(machine, { command: 'ha-maintenance-cancel' });
    expect(response).toEqual({ result: 0, text: 'Server maintenance successfully canceled.' });
    expect(after.state).toBe('load-balancing');
  });

  it('keeps the state when the partner cannot be told', () => {
    const machine = inState('partner-in-maintenance', { previousState: 'load-balancing' });
    const { response, machine: after } = send(machine, { command: 'ha-maintenance-cancel' }, REFUSED);
    expect(response).toEqual({
      result: 1,
      text: 'Unable to cancel maintenance. The partner server responded with the following message to the ha-maintenance-notify command: Connection refused.',
    });
    expect(after.state).toBe('partner-in-maintenance');
  });
});

describe('ha-sync-complete-notify (spec 5.8)', () => {
  const text = 'Server successfully notified about the synchronization completion.';
  it('in partner-down it is remembered and DHCP stays as it is', () => {
    const machine = inState('partner-down', { dhcpEnabled: false });
    const { response, machine: after } = send(machine, { command: 'ha-sync-complete-notify' });
    expect(response).toEqual({ result: 0, text });
    expect(after.syncCompleteNotified).toBe(true);
    expect(after.dhcpEnabled).toBe(false);
  });
  it('elsewhere it enables the local DHCP service (even in ready)', () => {
    const { response, machine } = send(inState('ready'), { command: 'ha-sync-complete-notify' });
    expect(response).toEqual({ result: 0, text });
    expect(machine.dhcpEnabled).toBe(true);
    expect(machine.state).toBe('ready');
  });
});

describe('ha-sync (spec 5.9)', () => {
  it.each<[unknown, string]>([
    [undefined, "arguments not found in the 'ha-sync' command"],
    [[], "arguments in the 'ha-sync' command are not a map"],
    [{}, "'server-name' is mandatory for the 'ha-sync' command"],
    [{ 'server-name': 2 }, "'server-name' must be a string in the 'ha-sync' command"],
    [
      { 'server-name': 'server2', 'max-period': 0 },
      "'max-period' must be a positive integer in the 'ha-sync' command",
    ],
  ])('arguments %p -> %s', (args, text) => {
    const { response, calls } = send(inState('load-balancing'), { command: 'ha-sync', arguments: args });
    expect(response).toEqual({ result: 1, text });
    expect(calls).toEqual([]);
  });

  it('sends no answer at all for a server not in the relationship, as Kea 2.2.0 does', () => {
    const { response, events, calls } = send(inState('load-balancing'), {
      command: 'ha-sync',
      arguments: { 'server-name': 'server9' },
    });
    expect(response).toBeNull();
    expect(events.find((e) => e.type === 'CommandAnswered')).toMatchObject({
      failure: 'no configuration specified for server server9',
    });
    expect(calls).toEqual([]);
  });

  it('syncs, works while paused and never changes the state', () => {
    const machine = inState('load-balancing', { paused: true });
    const {
      response,
      machine: after,
      calls,
    } = send(machine, {
      command: 'ha-sync',
      arguments: { 'server-name': 'server2', 'max-period': 60 },
    });
    expect(calls).toEqual(['lease-sync']);
    expect(response).toEqual({ result: 0, text: 'Lease database synchronization complete.' });
    expect(after.state).toBe('load-balancing');
    expect(after.paused).toBe(true);
  });

  it('reports the failure text', () => {
    const { response } = send(
      inState('load-balancing'),
      { command: 'ha-sync', arguments: { 'server-name': 'server2' } },
      REFUSED,
    );
    expect(response).toEqual({ result: 1, text: 'Connection refused' });
  });
});

describe('ha-scopes (spec 5.10)', () => {
  it('serves the given server names', () => {
    const { response, machine } = send(inState('load-balancing'), {
      command: 'ha-scopes',
      arguments: { scopes: ['server2', 'server1'] },
    });
    expect(response).toEqual({ result: 0, text: 'New HA scopes configured.' });
    expect(machine.scopes).toEqual(['server1', 'server2']);
  });

  it.each<[unknown, string]>([
    [undefined, "arguments not found in the 'ha-scopes' command"],
    ['x', "arguments in the 'ha-scopes' command are not a map"],
    [{}, "'scopes' is mandatory for the 'ha-scopes' command"],
    [{ scopes: 'server1' }, "'scopes' must be a list in the 'ha-scopes' command"],
    [{ scopes: [1] }, "scope name must be a string in the 'scopes' argument"],
    [
      { scopes: ['server1', 'HA_server2'] },
      "invalid server name specified 'HA_server2' while enabling/disabling HA scopes",
    ],
    [{ scopes: ['server3'] }, "invalid server name specified 'server3' while enabling/disabling HA scopes"],
  ])('arguments %p -> %s, scopes unchanged', (args, text) => {
    const { response, machine } = send(inState('load-balancing'), { command: 'ha-scopes', arguments: args });
    expect(response).toEqual({ result: 1, text });
    expect(machine.scopes).toEqual(['server1']);
  });
});

describe('ha-heartbeat and status-get (spec 5.2, 5.11)', () => {
  it('heartbeat answers the state, RFC 1123 time, sorted scopes and unsent count, paused or not', () => {
    const machine = inState('partner-down', { paused: true, unsentUpdateCount: 7 });
    const { response } = send(machine, { command: 'ha-heartbeat' });
    expect(response).toEqual({
      result: 0,
      text: 'HA peer status returned.',
      arguments: {
        state: 'partner-down',
        // Node's own RFC 1123 rendering of the same instant, as an independent check of the calendar arithmetic.
        'date-time': new Date(1_764_021_044_000).toUTCString(),
        scopes: ['server1', 'server2'],
        'unsent-update-count': 7,
      },
    });
  });

  it('status-get has no text, Kea\u2019s section, and haco\u2019s paused flag in local', () => {
    const { response } = send(inState('load-balancing', { paused: true }), { command: 'status-get' });
    expect(response).not.toHaveProperty('text');
    expect(response).toMatchObject({
      result: 0,
      arguments: {
        'high-availability': [
          {
            'ha-mode': 'load-balancing',
            'ha-servers': {
              local: { role: 'primary', scopes: ['server1'], state: 'load-balancing', paused: true },
              remote: { role: 'secondary', 'in-touch': true, 'last-state': 'load-balancing' },
            },
          },
        ],
      },
    });
  });

  it.each<[string, number, number, number]>([
    // [communication, max-unacked-clients, unacked, left]: as a real Kea 2.2.0 reports them.
    ['failed', 0, 0, 1],
    ['interrupted', 10, 3, 8],
    ['interrupted', 2, 3, 0],
    ['ok', 10, 0, 0],
  ])(
    'status-get counts unacked clients left while %s (max %d, %d unacked: %d left)',
    (status, max, unacked, left) => {
      const communication = {
        status,
        ageSeconds: 12,
        connectingClients: unacked,
        unackedClients: unacked,
        analyzedPackets: 4,
      };
      const machine = settledMachine(lb('primary', { 'max-unacked-clients': max }), 'partner-down', {
        partner: partner('unavailable'),
        communication: communication as HaMachineState['communication'],
      });
      const { response } = send(machine, { command: 'status-get' });
      const remote = (
        response?.arguments as {
          'high-availability': { 'ha-servers': { remote: Record<string, unknown> } }[];
        }
      )['high-availability'][0]['ha-servers'].remote;
      expect(remote['unacked-clients-left']).toBe(left);
    },
  );

  it('status-get has no remote part on a backup server', () => {
    const backup = settledMachine(haConfig('load-balancing', 'backup'), 'backup');
    const { response } = send(backup, { command: 'status-get' });
    const servers = (response?.arguments as { 'high-availability': { 'ha-servers': object }[] })[
      'high-availability'
    ][0]['ha-servers'];
    expect(Object.keys(servers)).toEqual(['local']);
  });
});

describe('unknown, malformed and local DHCP commands', () => {
  it('answers 2 for a command HA does not know', () => {
    expect(send(inState('waiting'), { command: 'lease4-wipe' }).response).toEqual({
      result: 2,
      text: "'lease4-wipe' command not supported.",
    });
  });

  it.each([null, 'ha-continue', [], {}, { command: '' }, { command: 7 }])(
    'refuses the malformed request %p',
    (raw) => {
      expect(send(inState('waiting'), raw).response).toMatchObject({
        result: 1,
        text: expect.stringContaining('command'),
      });
    },
  );

  it('dhcp-disable and dhcp-enable flip the local switch with the DHCP server texts', () => {
    const disabled = send(inState('load-balancing'), {
      command: 'dhcp-disable',
      arguments: { 'max-period': 60, origin: 'ha-partner' },
    });
    expect(disabled.response).toEqual({ result: 0, text: 'DHCPv4 service disabled for 60 seconds' });
    expect(disabled.machine.dhcpEnabled).toBe(false);
    const enabled = send(disabled.machine, { command: 'dhcp-enable' });
    expect(enabled.response).toEqual({ result: 0, text: 'DHCP service successfully enabled' });
    expect(enabled.machine.dhcpEnabled).toBe(true);
  });
});
