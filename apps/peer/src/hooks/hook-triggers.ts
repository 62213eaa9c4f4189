import type { HaEvent, HaMachineState, HaState } from '@haco/ha-core';
import type { HookTrigger } from '../config/hook-types';
import { assertNever } from '@haco/common';

/** What a hook is told: the event it runs on and the peer as that decision left it. */
export interface HookOccasion {
  readonly trigger: HookTrigger;
  /** The state the event happened in. */
  readonly state: HaState;
  readonly previousState: HaState | null;
  readonly scopes: readonly string[];
  readonly dhcpEnabled: boolean;
  readonly paused: boolean;
  /** The seq of the event in the peer's stream. */
  readonly onSeq: number;
  readonly at: string;
}

/**
 * The occasions for hooks in one decision's events, in their order. Served scopes and the DHCP service
 * are compared with the state before the decision, so that a change shows once however the machine made
 * it (a state's entry, a command); on an entry, the hooks hear of the state first, already with its
 * scopes and service, then of the changes.
 */
export function hookOccasions(
  before: HaMachineState | null,
  events: readonly HaEvent[],
  firstSeq: number,
  at: string,
): HookOccasion[] {
  const occasions: HookOccasion[] = [];
  let state = before?.state ?? null;
  let previousState = before?.previousState ?? null;
  let scopes = before?.scopes ?? [];
  let dhcpEnabled = before?.dhcpEnabled ?? false;
  let paused = before?.paused ?? false;
  events.forEach((event, index) => {
    const occasion = (trigger: HookTrigger): void => {
      if (state === null) return;
      occasions.push({
        trigger,
        state,
        previousState,
        scopes,
        dhcpEnabled,
        paused,
        onSeq: firstSeq + index,
        at,
      });
    };
    /** Takes the new scopes and DHCP service; the triggers their changes call for, told after `first`. */
    const settle = (first: HookTrigger | null, next: readonly string[], enabled: boolean): void => {
      const scopesChanged = next.length !== scopes.length || next.some((scope, i) => scope !== scopes[i]);
      const dhcpChanged = enabled !== dhcpEnabled;
      scopes = next;
      dhcpEnabled = enabled;
      if (first !== null) occasion(first);
      if (scopesChanged) occasion('scopes-changed');
      if (dhcpChanged) occasion(enabled ? 'dhcp-enabled' : 'dhcp-disabled');
    };
    switch (event.type) {
      case 'StateEntered':
        if (state !== event.state) previousState = state;
        state = event.state;
        paused = event.paused;
        settle('state-entered', event.scopes, event.dhcpEnabled);
        return;
      case 'ScopesServed':
        settle(null, event.scopes, dhcpEnabled);
        return;
      case 'DhcpServiceSwitched':
        settle(null, scopes, event.enabled);
        return;
      case 'StateMachinePaused':
        paused = true;
        occasion('paused');
        return;
      case 'StateMachineContinued':
        paused = false;
        occasion('continued');
        return;
      case 'ServiceStarted':
      case 'ServiceStopped':
      case 'StateTransitioned':
      case 'CommunicationObserved':
      case 'HeartbeatSucceeded':
      case 'HeartbeatFailed':
      case 'PartnerMarkedUnavailable':
      case 'LeaseUpdatesCompleted':
      case 'HeartbeatStarted':
      case 'HeartbeatStopped':
      case 'LeaseUpdateSkipped':
      case 'LeaseUpdateQueued':
      case 'LeaseBacklogCleared':
      case 'SyncCompleteNotified':
      case 'PartnerCallRequested':
      case 'PartnerCallCompleted':
      case 'CommandReceived':
      case 'CommandAnswered':
      case 'Noted':
      case 'ObservationGap':
      case 'HookCompleted':
        return;
      default:
        assertNever(event, 'event');
    }
  });
  return occasions;
}
