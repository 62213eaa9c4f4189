import { runCase } from '../../apps/cli/src/conformance/run-case';

/** The inputs a case can carry beside its kind (CONFORMANCE.md), each honoured by the probe. */
describe('the conformance probe honours every input a case can carry', () => {
  const lb = { mode: 'load-balancing', role: 'primary', config: { 'max-unacked-clients': 10 } };

  it('prev_state: a maintenance cancel returns to the state before maintenance', () => {
    const out = runCase({
      ...lb,
      id: 'p1',
      kind: 'command',
      state: 'partner-in-maintenance',
      prev_state: 'load-balancing',
      command: { command: 'ha-maintenance-cancel' },
    });
    expect(out['state']).toBe('load-balancing');
    const other = runCase({
      ...lb,
      id: 'p2',
      kind: 'command',
      state: 'partner-in-maintenance',
      prev_state: 'partner-down',
      command: { command: 'ha-maintenance-cancel' },
    });
    expect(other['state']).toBe('partner-down');
  });

  it('entered_by: a partner-down entered through maintenance serves the partner\u2019s scopes without auto-failover', () => {
    const noFailover = {
      mode: 'load-balancing',
      role: 'primary',
      config: {
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary', 'auto-failover': false },
          { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
        ],
        'this-server-name': 'server1',
      },
    };
    const plain = runCase({ ...noFailover, id: 'e1', kind: 'entry-actions', state: 'partner-down' });
    const byMaintenance = runCase({
      ...noFailover,
      id: 'e2',
      kind: 'entry-actions',
      state: 'partner-down',
      entered_by: 'ha-maintenance-start',
    });
    expect(plain['scopes']).toEqual(['server1']);
    expect(byMaintenance['scopes']).toEqual(['server1', 'server2']);
  });

  it('last_event: the handler run right after a maintenance cancel does nothing', () => {
    const world = { ...lb, kind: 'step', state: 'load-balancing', partner_state: 'partner-in-maintenance' };
    expect(runCase({ ...world, id: 'l1' })['state']).toBe('in-maintenance');
    expect(runCase({ ...world, id: 'l2', last_event: 'maintenance-cancel' })['state']).toBe('load-balancing');
  });

  it('dhcp_enabled_before: the DHCP switch as it was before the command', () => {
    // A command that leaves the switch alone shows it as it was (a served state would have it on).
    const off = runCase({
      ...lb,
      id: 'd1',
      kind: 'command',
      state: 'load-balancing',
      dhcp_enabled_before: false,
      command: { command: 'status-get' },
    });
    expect(off['dhcp_enabled']).toBe(false);
    const enabled = runCase({
      ...lb,
      id: 'd2',
      kind: 'command',
      state: 'load-balancing',
      dhcp_enabled_before: false,
      command: { command: 'dhcp-enable' },
    });
    expect(enabled['dhcp_enabled']).toBe(true);
  });

  it('partner_response.http_status: a refusal of the partner\u2019s HTTP layer, read as error code 1 with its text', () => {
    // Spec 5.5: a partner answering 1 (401 included) to ha-maintenance-start sends this server to partner-down.
    const start = runCase({
      ...lb,
      id: 'h1',
      kind: 'command',
      state: 'load-balancing',
      command: { command: 'ha-maintenance-start' },
      partner_response: { http_status: 401 },
    });
    expect(start['state']).toBe('partner-down');
    const cancel = runCase({
      ...lb,
      id: 'h2',
      kind: 'command',
      state: 'partner-in-maintenance',
      prev_state: 'load-balancing',
      command: { command: 'ha-maintenance-cancel' },
      partner_response: { http_status: 401 },
    });
    expect(JSON.stringify(cancel['response'])).toContain('Unauthorized, error code 1');
  });

  it('config-set: a reconfiguration starts a new service, its pauses and once markers anew', () => {
    const pausing = { ...lb.config, 'state-machine': { states: [{ state: 'waiting', pause: 'once' }] } };
    const out = runCase({
      ...lb,
      config: pausing,
      id: 'c1',
      kind: 'command',
      state: 'load-balancing',
      pause_once_consumed: ['waiting'],
      command: { command: 'config-set' },
    });
    expect(out).toMatchObject({ state: 'waiting', paused: true, response: { result: 0 } });
  });
});
