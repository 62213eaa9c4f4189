import type { HaMachineState } from './machine-state';
import { thisServer } from '../topology';

/** Clock skew beyond 60 whole seconds terminates the pair (spec 1.6). */
export const TERMINATE_SKEW_SECONDS = 60;
export const WARN_SKEW_SECONDS = 30;
export const SKEW_WARNING_INTERVAL_MS = 60_000;

export function clockSkewTerminates(machine: HaMachineState): boolean {
  return Math.abs(machine.partner.clockSkewSeconds) > TERMINATE_SKEW_SECONDS;
}

export function clockSkewWarrantsWarning(machine: HaMachineState, at: number): boolean {
  if (Math.abs(machine.partner.clockSkewSeconds) <= WARN_SKEW_SECONDS) return false;
  const last = machine.lastClockSkewWarningAt;
  return last === null || at - last >= SKEW_WARNING_INTERVAL_MS;
}

export type InvalidPartnerStateNote =
  | 'HA_INVALID_PARTNER_STATE_COMMUNICATION_RECOVERY'
  | 'HA_INVALID_PARTNER_STATE_HOT_STANDBY'
  | 'HA_INVALID_PARTNER_STATE_LOAD_BALANCING';

/** The partner reports a state our mode cannot have (spec 1.7); names the warning Kea logs. */
export function invalidPartnerState(machine: HaMachineState): InvalidPartnerStateNote | null {
  const mode = machine.config.mode;
  switch (machine.partner.state) {
    case 'communication-recovery':
      return mode !== 'load-balancing' ? 'HA_INVALID_PARTNER_STATE_COMMUNICATION_RECOVERY' : null;
    case 'hot-standby':
      return mode !== 'hot-standby' ? 'HA_INVALID_PARTNER_STATE_HOT_STANDBY' : null;
    case 'load-balancing':
      return mode !== 'load-balancing' ? 'HA_INVALID_PARTNER_STATE_LOAD_BALANCING' : null;
    default:
      return null;
  }
}

export function communicationInterrupted(machine: HaMachineState): boolean {
  return machine.communication.status !== 'ok';
}

/**
 * Should-go-partner-down (spec 1.5): interrupted is enough unless this server can watch the partner's
 * clients (DHCP enabled and load-balancing or standby), in which case the traffic analysis must fail.
 */
export function shouldGoPartnerDown(machine: HaMachineState): boolean {
  if (!communicationInterrupted(machine)) return false;
  const canAnalyseTraffic =
    machine.dhcpEnabled &&
    (machine.config.mode === 'load-balancing' || thisServer(machine.config).role === 'standby');
  return canAnalyseTraffic ? failureDetected(machine) : true;
}

/** Too many unacked clients, or no traffic analysis at all (max-unacked-clients 0): the partner is down. */
export function failureDetected(machine: HaMachineState): boolean {
  return machine.communication.status === 'failed' || machine.config.maxUnackedClients === 0;
}

/** The partner skipped lease updates it has not told us about before (spec 2.6 rule 5). */
export function partnerHasNewUnsentUpdates(machine: HaMachineState): boolean {
  const { unsentUpdateCount, previousUnsentUpdateCount } = machine.partner;
  return unsentUpdateCount > 0 && unsentUpdateCount !== previousUnsentUpdateCount;
}
