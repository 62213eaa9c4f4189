import { assertNever } from '../assert-never';
import { INITIAL_COMMUNICATION } from '../observe/communication-view';
import { UNKNOWN_PARTNER } from './machine-state';
import type { HaMachineState } from './machine-state';
import type { HaEvent } from './events';
import { isNormalState } from '../topology';

/** Kea's unsent-update counter wraps around skipping 0, so 0 keeps meaning "never skipped". */
function incrementWrapping(count: number, by: number): number {
  let next = count;
  for (let i = 0; i < by; i += 1) next = next >= Number.MAX_SAFE_INTEGER ? 1 : next + 1;
  return next;
}

/** A fresh HA service: created in waiting with every flag cleared (the pause rule comes as its own event). */
export function initialMachineState(config: HaMachineState['config']): HaMachineState {
  return {
    config,
    state: 'waiting',
    previousState: 'waiting',
    paused: false,
    pauseOnceConsumed: [],
    entryPending: true,
    exitPending: true,
    partner: UNKNOWN_PARTNER,
    communication: INITIAL_COMMUNICATION,
    scopes: [],
    dhcpEnabled: true,
    heartbeatRunning: false,
    unsentUpdateCount: 0,
    backlog: { size: 0, overflown: false },
    syncCompleteNotified: false,
    pendingCall: null,
    lastClockSkewWarningAt: null,
  };
}

/**
 * Applies one event. The state machine's whole memory is the fold of its events through this function,
 * which is what makes a stored stream replayable.
 */
export function evolve(state: HaMachineState | null, event: HaEvent): HaMachineState {
  if (event.type === 'ServiceStarted') return initialMachineState(event.config);
  if (state === null) throw new Error(`a stream must begin with ServiceStarted, not ${event.type}`);
  switch (event.type) {
    case 'CommunicationObserved':
      return { ...state, communication: event.communication };
    case 'HeartbeatSucceeded':
      return {
        ...state,
        partner: {
          state: event.partnerState,
          scopes: event.partnerScopes,
          previousUnsentUpdateCount:
            event.partnerUnsentUpdateCount === null
              ? state.partner.previousUnsentUpdateCount
              : state.partner.unsentUpdateCount,
          unsentUpdateCount: event.partnerUnsentUpdateCount ?? state.partner.unsentUpdateCount,
          clockSkewSeconds: event.clockSkewSeconds,
        },
        syncCompleteNotified: false,
      };
    case 'HeartbeatFailed':
      // Kea 2.2.0 keeps the last measured clock skew when the partner becomes unavailable.
      return { ...state, partner: { ...state.partner, state: 'unavailable' }, syncCompleteNotified: false };
    case 'PartnerMarkedUnavailable':
      return { ...state, partner: { ...state.partner, state: 'unavailable' } };
    case 'LeaseUpdatesCompleted':
      return event.partnerFailed ? { ...state, partner: { ...state.partner, state: 'unavailable' } } : state;
    case 'StateTransitioned': {
      const changed = event.from !== event.to;
      return {
        ...state,
        previousState: event.from,
        state: event.to,
        entryPending: changed,
        // The normal-state handler consumes the exit flag on its way into communication-recovery.
        exitPending: changed && !(event.to === 'communication-recovery' && isNormalState(event.from)),
      };
    }
    case 'StateMachinePaused':
      return {
        ...state,
        paused: true,
        pauseOnceConsumed:
          event.pause === 'once' ? [...state.pauseOnceConsumed, event.state] : state.pauseOnceConsumed,
      };
    case 'StateMachineContinued':
      return { ...state, paused: false };
    case 'StateEntered':
      return { ...state, entryPending: false, scopes: event.scopes, dhcpEnabled: event.dhcpEnabled };
    case 'HeartbeatStarted':
      return { ...state, heartbeatRunning: true };
    case 'HeartbeatStopped':
      return { ...state, heartbeatRunning: false };
    case 'ScopesServed':
      return { ...state, scopes: event.scopes };
    case 'DhcpServiceSwitched':
      return { ...state, dhcpEnabled: event.enabled };
    case 'LeaseUpdateSkipped':
      return { ...state, unsentUpdateCount: incrementWrapping(state.unsentUpdateCount, event.count) };
    case 'LeaseUpdateQueued': {
      const room = Math.max(0, state.config.delayedUpdatesLimit - state.backlog.size);
      const accepted = Math.min(room, event.count);
      return {
        ...state,
        backlog: {
          size: state.backlog.size + accepted,
          overflown: state.backlog.overflown || accepted < event.count,
        },
      };
    }
    case 'LeaseBacklogCleared':
      return { ...state, backlog: { size: 0, overflown: false }, exitPending: false };
    case 'SyncCompleteNotified':
      return { ...state, syncCompleteNotified: event.remembered };
    case 'PartnerCallRequested':
      return { ...state, pendingCall: { call: event.call, continuation: event.continuation } };
    case 'PartnerCallCompleted':
      return { ...state, pendingCall: null };
    case 'Noted':
      return event.note === 'HA_HIGH_CLOCK_SKEW' ? { ...state, lastClockSkewWarningAt: event.at } : state;
    case 'CommandReceived':
    case 'CommandAnswered':
    case 'ServiceStopped':
    case 'ObservationGap':
    case 'HookCompleted':
      return state;
    default:
      return assertNever(event, 'event');
  }
}

export function foldEvents(events: readonly HaEvent[], from: HaMachineState | null = null): HaMachineState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  if (state === null) throw new Error('no events to fold');
  return state;
}
