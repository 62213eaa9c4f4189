import type { HaConfig } from '../config/types';
import type { HaState } from '../states';
import { isBackupServer } from '../topology';
import { dhcpEnabledIn, scopesOnEntry } from './entry-actions';
import { initialMachineState } from './evolve';
import type { HaMachineState } from './machine-state';

/** Whether Kea's heartbeat timer runs in `state` once it has been entered and handled. */
export function heartbeatRunsIn(config: HaConfig, state: HaState): boolean {
  if (config.heartbeatDelayMs === 0 || isBackupServer(config) || config.mode === 'passive-backup')
    return false;
  return state !== 'terminated' && state !== 'backup' && state !== 'passive-backup';
}

/**
 * A machine that has been in `state` for a while: entered, its entry actions done (scopes, DHCP switch,
 * heartbeat), partner unknown unless overridden. This is the starting point Kea's unit tests use for one
 * handler step, and what the conformance probe builds each vector's world from.
 */
export function settledMachine(
  config: HaConfig,
  state: HaState,
  overrides: Partial<HaMachineState> = {},
): HaMachineState {
  const base: HaMachineState = {
    ...initialMachineState(config),
    state,
    previousState: state,
    entryPending: false,
    exitPending: false,
    heartbeatRunning: heartbeatRunsIn(config, state),
    dhcpEnabled: dhcpEnabledIn(state),
  };
  const scopes = scopesOnEntry(base, false);
  return { ...base, scopes, ...overrides };
}
