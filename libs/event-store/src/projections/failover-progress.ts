import type { HaMachineState } from '@haco/ha-core';
import { haServersReport } from '@haco/ha-core';

/**
 * The failover progress Kea's status-get reports as `remote` (and Stork shows): whether the partner was
 * heard, whether communication is interrupted, and the client counts that decide partner-down.
 */
export interface FailoverProgress {
  readonly inTouch: boolean;
  readonly communicationInterrupted: boolean;
  readonly ageSeconds: number;
  readonly connectingClients: number;
  readonly unackedClients: number;
  readonly unackedClientsLeft: number;
  readonly analyzedPackets: number;
}

/** Kea's `remote` section of the machine, in the view's words. */
export function failoverOf(machine: HaMachineState): FailoverProgress | null {
  const remote = haServersReport(machine)['remote'] as Record<string, unknown> | undefined;
  if (remote === undefined) return null;
  return {
    inTouch: remote['in-touch'] === true,
    communicationInterrupted: remote['communication-interrupted'] === true,
    ageSeconds: Number(remote['age']),
    connectingClients: Number(remote['connecting-clients']),
    unackedClients: Number(remote['unacked-clients']),
    unackedClientsLeft: Number(remote['unacked-clients-left']),
    analyzedPackets: Number(remote['analyzed-packets']),
  };
}
