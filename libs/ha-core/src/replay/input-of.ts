import { assertNever } from '../assert-never';
import type { HaInput } from '../machine/inputs';
import type { HaMachineState } from '../machine/machine-state';
import type { RecordedEvent } from './replay';

/** The input a decision was made on, read back from the events it produced (DESIGN: inputs are events). */
export function inputOf(group: readonly RecordedEvent[], state: HaMachineState | null): HaInput | string {
  const at = group[0].at;
  const events = group.map((r) => r.event);
  const first = events[0];
  const observed = first.type === 'CommunicationObserved' ? first.communication : undefined;
  const afterObservation = observed === undefined ? first : events[1];
  switch (afterObservation?.type) {
    case 'ServiceStarted':
      return {
        type: 'start',
        at,
        config: afterObservation.config,
        ...(afterObservation.restart === undefined ? {} : { restart: afterObservation.restart }),
      };
    case 'ServiceStopped':
      return { type: 'stop', at, reason: afterObservation.reason };
    case 'CommandReceived':
      return {
        type: 'command',
        at,
        commandId: afterObservation.commandId,
        request: requestOf(afterObservation.request),
        ...(afterObservation.guard === undefined ? {} : { guard: afterObservation.guard }),
      };
    case 'PartnerCallCompleted':
      return { type: 'partner-call-completed', at, outcome: afterObservation.outcome };
    case 'HeartbeatSucceeded':
      return {
        type: 'heartbeat-completed',
        at,
        communication: observed ?? state?.communication,
        result: {
          ok: true,
          partnerState: afterObservation.partnerState,
          scopes: afterObservation.partnerScopes,
          unsentUpdateCount: afterObservation.partnerUnsentUpdateCount,
          clockSkewSeconds: afterObservation.clockSkewSeconds,
        },
      };
    case 'HeartbeatFailed':
      return {
        type: 'heartbeat-completed',
        at,
        communication: observed ?? state?.communication,
        result: { ok: false, reason: afterObservation.reason },
      };
    case 'LeaseUpdateQueued':
    case 'LeaseUpdateSkipped':
      return { type: 'lease-updates-generated', at, count: afterObservation.count };
    case 'LeaseUpdatesCompleted':
      return {
        type: 'lease-updates-completed',
        at,
        partnerFailed: afterObservation.partnerFailed,
        communication: observed,
      };
    case 'HookCompleted': {
      const { type: _type, ...run } = afterObservation;
      return { type: 'hook-completed', at, run };
    }
    case undefined:
    case 'CommunicationObserved':
    case 'CommandAnswered':
    case 'DhcpServiceSwitched':
    case 'HeartbeatStarted':
    case 'HeartbeatStopped':
    case 'LeaseBacklogCleared':
    case 'Noted':
    case 'PartnerCallRequested':
    case 'PartnerMarkedUnavailable':
    case 'ScopesServed':
    case 'StateEntered':
    case 'StateMachineContinued':
    case 'StateMachinePaused':
    case 'StateTransitioned':
    case 'SyncCompleteNotified':
    case 'ObservationGap':
      if (observed !== undefined && events.length === 1)
        return { type: 'communication-observed', at, communication: observed };
      return `no input explains a decision starting with ${first.type}`;
    default:
      return assertNever(afterObservation, 'event');
  }
}

/** CommandReceived keeps the request as read; an unreadable one is replayed as the raw value it was. */
function requestOf(request: { command: string; arguments?: unknown }): unknown {
  return request.command === '' ? request.arguments : request;
}
