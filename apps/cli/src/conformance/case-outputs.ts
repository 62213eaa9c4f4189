import type { HaEvent, HaMachineState } from '@haco/ha-core';
import { evolve, keaLogLines } from '@haco/ha-core';

/** The state-related outputs every kind that runs the machine prints. */
export function machineOutputs(machine: HaMachineState): Record<string, unknown> {
  return {
    state: machine.state,
    paused: machine.paused,
    pause_once_consumed: [...machine.pauseOnceConsumed],
    scopes: [...machine.scopes].sort(),
    dhcp_enabled: machine.dhcpEnabled,
    heartbeat: machine.heartbeatRunning,
  };
}

/** What a run did, read off its events: states visited, peer calls made, log ids emitted. */
export function eventOutputs(start: HaMachineState, events: readonly HaEvent[]): Record<string, unknown> {
  const trail: string[] = [start.state];
  const logIds: string[] = [];
  const calls = new Set<string>();
  let machine = start;
  for (const event of events) {
    if (event.type === 'StateTransitioned' && event.from !== event.to) trail.push(event.to);
    if (event.type === 'PartnerCallRequested') calls.add(event.call.kind);
    logIds.push(...keaLogLines(event, machine).map((l) => l.id));
    machine = evolve(machine, event);
  }
  return {
    trail,
    sync_attempted: calls.has('lease-sync'),
    backlog_sent: calls.has('send-lease-backlog'),
    ha_reset_sent: calls.has('ha-reset'),
    // A single message prints as its id, several as a list of ids in the order Kea logs them.
    log: logIds.length === 1 ? logIds[0] : logIds,
  };
}
