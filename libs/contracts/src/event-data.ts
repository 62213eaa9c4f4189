import type { HaEventType } from '@haco/ha-core';
import { HA_STATES } from '@haco/ha-core';
import type { CoordinatorEventType } from './coordinator-events';

/** Every type an envelope may carry: the one catalogue of event names, peers' and the coordinator's. */
export type EventType = HaEventType | CoordinatorEventType;

type Check = (data: Record<string, unknown>) => string | null;

const state =
  (field: string): Check =>
  (data) =>
    (HA_STATES as readonly unknown[]).includes(data[field]) ? null : `'${field}' must be an HA state`;
const string =
  (field: string): Check =>
  (data) =>
    typeof data[field] === 'string' ? null : `'${field}' must be a string`;
const object =
  (field: string): Check =>
  (data) =>
    typeof data[field] === 'object' && data[field] !== null ? null : `'${field}' must be an object`;

/** The fields audit and replay rely on, per event type; other types only need their data to be an object. */
const REQUIRED: { readonly [T in EventType]: readonly Check[] } = {
  ServiceStarted: [object('config')],
  StateTransitioned: [state('from'), state('to'), string('partnerState'), object('cause')],
  ObservationGap: [string('from'), string('to')],
  StateMachinePaused: [state('state'), string('pause')],
  StateMachineContinued: [state('state'), string('commandId')],
  StateEntered: [state('state')],
  CommandReceived: [string('commandId'), object('request')],
  CommandAnswered: [string('commandId'), string('command')],
  HeartbeatSucceeded: [state('partnerState')],
  HeartbeatFailed: [string('reason')],
  PartnerCallRequested: [object('call'), object('continuation')],
  PartnerCallCompleted: [object('call'), object('outcome')],
  // The rest carry nothing that audit or replay reads by name.
  CommunicationObserved: [],
  PartnerMarkedUnavailable: [],
  LeaseUpdatesCompleted: [],
  HeartbeatStarted: [],
  HeartbeatStopped: [],
  ScopesServed: [],
  DhcpServiceSwitched: [],
  LeaseUpdateSkipped: [],
  LeaseUpdateQueued: [],
  LeaseBacklogCleared: [],
  SyncCompleteNotified: [],
  Noted: [],
  HookCompleted: [string('hook'), string('trigger'), state('state'), string('outcome')],
  ServiceStopped: [string('reason'), state('state')],
  CommandIssued: [string('commandId'), string('cluster'), string('peer'), object('request'), string('who')],
  CommandRefused: [string('commandId'), string('reason')],
  CommandCompleted: [string('commandId')],
  CommandFailed: [string('commandId'), string('error')],
  DisputesResolved: [string('stream'), string('who')],
  ContinueProposed: [string('proposalId'), string('peer'), state('state'), string('who')],
  ContinueApproved: [string('proposalId'), string('who')],
  SplitBrainRaised: [string('cluster'), object('peers'), object('scopes'), string('since')],
  SplitBrainCleared: [string('cluster'), object('peers'), string('since'), string('until')],
  ContinuePreviewed: [string('cluster'), string('peer'), string('who'), object('preview')],
};

/** Why an event's data does not fit its type, or null when it does. */
export function eventDataError(type: string, data: Record<string, unknown>): string | null {
  const checks: readonly Check[] = Object.hasOwn(REQUIRED, type) ? REQUIRED[type as EventType] : [];
  for (const check of checks) {
    const problem = check(data);
    if (problem !== null) return `${type}: ${problem}`;
  }
  return null;
}
