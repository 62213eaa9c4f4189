import type { HaState } from '../states';
import { defaultScopes, failoverScopes, isBackupServer, thisServer } from '../topology';
import type { Decision } from './decision';
import type { HaMachineState } from './machine-state';
import type { Trigger } from './triggers';

const DHCP_ENABLED_STATES: readonly HaState[] = [
  'communication-recovery',
  'load-balancing',
  'hot-standby',
  'partner-down',
  'partner-in-maintenance',
  'passive-backup',
  'terminated',
];

/** The local DHCP service switch HA sets on entering `state` (spec 3). */
export function dhcpEnabledIn(state: HaState): boolean {
  return DHCP_ENABLED_STATES.includes(state);
}

/** Scopes served right after entering `state`; partner-down depends on how it was entered (spec 2.6). */
export function scopesOnEntry(machine: HaMachineState, byMaintenance: boolean): string[] {
  const config = machine.config;
  switch (machine.state) {
    case 'waiting':
    case 'syncing':
    case 'ready':
    case 'in-maintenance':
    case 'backup':
      return [];
    case 'load-balancing':
    case 'hot-standby':
    case 'communication-recovery':
    case 'terminated':
    case 'passive-backup':
      return defaultScopes(config);
    case 'partner-down':
      return byMaintenance || thisServer(config).autoFailover
        ? failoverScopes(config)
        : defaultScopes(config);
    case 'partner-in-maintenance':
      return failoverScopes(config);
  }
}

/** Whether the state's handler keeps the heartbeat going (spec 1.4); syncing reschedules only after a sync. */
export function schedulesHeartbeatBeforeRules(machine: HaMachineState): boolean {
  switch (machine.state) {
    case 'waiting':
      return machine.config.mode !== 'passive-backup' && !isBackupServer(machine.config);
    case 'ready':
    case 'load-balancing':
    case 'hot-standby':
    case 'communication-recovery':
    case 'partner-down':
    case 'partner-in-maintenance':
    case 'in-maintenance':
      return true;
    case 'syncing':
    case 'terminated':
    case 'backup':
    case 'passive-backup':
      return false;
  }
}

/**
 * Runs the entry actions if the state was just entered: scopes, the DHCP switch, heartbeat stop for the
 * states that never heartbeat. They run whether or not the machine is paused.
 */
export function performEntryActions(d: Decision, trigger: Trigger): void {
  const machine = d.state;
  if (!machine.entryPending) return;
  const byMaintenance = machine.state === 'partner-down' && trigger === 'maintenance-start';
  d.emit({
    type: 'StateEntered',
    state: machine.state,
    scopes: scopesOnEntry(machine, byMaintenance),
    dhcpEnabled: dhcpEnabledIn(machine.state),
    paused: machine.paused,
    byMaintenance,
  });
  if (machine.state === 'terminated' || machine.state === 'passive-backup') stopHeartbeat(d);
}

/** Kea's scheduleHeartbeat: start it unless it runs already or heartbeat-delay is 0. */
export function scheduleHeartbeat(d: Decision): void {
  if (!d.state.heartbeatRunning && d.state.config.heartbeatDelayMs > 0) d.emit({ type: 'HeartbeatStarted' });
}

export function stopHeartbeat(d: Decision): void {
  if (d.state.heartbeatRunning) d.emit({ type: 'HeartbeatStopped' });
}

/** Re-applies the state's DHCP on/off rule (after ha-scopes, or a synced partner that went away). */
export function adjustDhcpService(d: Decision, reason: string): void {
  const wanted = dhcpEnabledIn(d.state.state);
  if (d.state.dhcpEnabled !== wanted) d.emit({ type: 'DhcpServiceSwitched', enabled: wanted, reason });
}
