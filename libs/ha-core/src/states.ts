/** The 12 local states of Kea 2.2.0's HA state machine (spec 1.2). */
export const HA_STATES = [
  'backup',
  'communication-recovery',
  'hot-standby',
  'load-balancing',
  'in-maintenance',
  'partner-down',
  'partner-in-maintenance',
  'passive-backup',
  'ready',
  'syncing',
  'terminated',
  'waiting',
] as const;

export type HaState = (typeof HA_STATES)[number];

/**
 * What this server knows of its partner: a state reported by the partner's heartbeat answer,
 * 'unavailable' after a failed contact, or 'unknown' before the first answer or failure.
 */
export type PartnerState = HaState | 'unavailable' | 'unknown';

/** Names accepted in `state-machine` configuration: the states plus the pseudo-state 'unavailable'. */
export const CONFIGURABLE_STATE_NAMES: readonly string[] = [...HA_STATES, 'unavailable'];

export function isHaState(value: unknown): value is HaState {
  return typeof value === 'string' && (HA_STATES as readonly string[]).includes(value);
}

export function isPartnerState(value: unknown): value is PartnerState {
  return isHaState(value) || value === 'unavailable' || value === 'unknown';
}

/** Kea logs states in upper case, and a partner it cannot name as UNDEFINED (spec 4.6). */
export function logLabel(state: PartnerState): string {
  return state === 'unavailable' || state === 'unknown' ? 'UNDEFINED' : state.toUpperCase();
}
