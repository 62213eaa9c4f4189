import type { HaConfig } from '../config/types';
import type { HaState, PartnerState } from '../states';
import type { CommunicationView } from '../observe/communication-view';
import type { PendingPartnerCall } from './partner-calls';

export interface PartnerView {
  readonly state: PartnerState;
  readonly scopes: readonly string[];
  /** The partner's unsent-update-count as last reported, and the value reported the time before. */
  readonly unsentUpdateCount: number;
  readonly previousUnsentUpdateCount: number;
  /** Partner time minus local time at the last successful heartbeat, whole seconds. */
  readonly clockSkewSeconds: number;
}

export interface LeaseBacklog {
  readonly size: number;
  readonly overflown: boolean;
}

/**
 * Everything the HA service of one peer knows and has decided: a fold of its events.
 * Nothing here is read from a clock; times are those carried by the events.
 */
export interface HaMachineState {
  readonly config: HaConfig;
  readonly state: HaState;
  /** Kea's "previous state": where a maintenance cancel returns to. */
  readonly previousState: HaState;
  readonly paused: boolean;
  /** States whose `once` pause has been used in this service instance. */
  readonly pauseOnceConsumed: readonly HaState[];
  /** The state was entered and its entry actions have not run yet. */
  readonly entryPending: boolean;
  /** Kea's on-exit flag, read only by communication-recovery to clear its backlog. */
  readonly exitPending: boolean;
  readonly partner: PartnerView;
  readonly communication: CommunicationView;
  readonly scopes: readonly string[];
  readonly dhcpEnabled: boolean;
  readonly heartbeatRunning: boolean;
  /** Lease updates this server skipped sending to its partner since it started (reported in heartbeats). */
  readonly unsentUpdateCount: number;
  readonly backlog: LeaseBacklog;
  /** The partner said it finished syncing from us while we were in partner-down. */
  readonly syncCompleteNotified: boolean;
  /** A synchronous call to a peer the state machine is waiting for; nothing else runs meanwhile. */
  readonly pendingCall: PendingPartnerCall | null;
  /** Time (ms) of the last HA_HIGH_CLOCK_SKEW warning, which Kea rate-limits to one a minute. */
  readonly lastClockSkewWarningAt: number | null;
}

export const UNKNOWN_PARTNER: PartnerView = {
  state: 'unknown',
  scopes: [],
  unsentUpdateCount: 0,
  previousUnsentUpdateCount: 0,
  clockSkewSeconds: 0,
};
