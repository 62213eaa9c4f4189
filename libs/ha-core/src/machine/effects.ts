import type { KeaResponse } from '../kea/kea-response';
import { KEA_RESULT } from '../kea/kea-response';
import { assertNever } from '../assert-never';
import type { CommandRequest, HaEvent } from './events';
import { evolve } from './evolve';
import type { HaMachineState } from './machine-state';
import type { PartnerCall } from './partner-calls';

/**
 * What a peer must do in the world after a decision, read off its events as data (as Kea's log lines
 * are), so that no adapter infers them from state flags and replay stays pure: it simply ignores them.
 */
export type Effect =
  /** Kea's one-shot heartbeat timer: (re)arm it to fire after `delayMs`. */
  | { readonly kind: 'arm-heartbeat'; readonly delayMs: number }
  | { readonly kind: 'cancel-heartbeat' }
  /** The machine waits for this exchange with a peer; its outcome is the next input. */
  | { readonly kind: 'call-partner'; readonly call: PartnerCall }
  /** The answer to a command; null where Kea 2.2.0 sends none (`failure` says why). */
  | {
      readonly kind: 'answer-command';
      readonly commandId: string;
      readonly response: KeaResponse | null;
      readonly failure?: string;
    }
  /** dhcp-disable's max-period: the DHCP service comes back on by itself after `afterMs`. */
  | { readonly kind: 'schedule-dhcp-reenable'; readonly afterMs: number }
  | { readonly kind: 'cancel-dhcp-reenable' }
  /** The communication-recovery backlog was delivered or dropped. */
  | { readonly kind: 'clear-lease-backlog' };

export type EffectKind = Effect['kind'];

/** The effects of one decision: `before` is the state it started from, `events` what it decided. */
export function effectsOf(before: HaMachineState | null, events: readonly HaEvent[]): Effect[] {
  const effects: Effect[] = [];
  const requests = new Map<string, CommandRequest>();
  let machine = before;
  let heartbeatCycle = false;
  for (const event of events) {
    machine = evolve(machine, event);
    switch (event.type) {
      case 'HeartbeatStarted':
      case 'HeartbeatSucceeded':
      case 'HeartbeatFailed':
        heartbeatCycle = true;
        break;
      case 'HeartbeatStopped':
      case 'ServiceStopped':
        effects.push({ kind: 'cancel-heartbeat' });
        heartbeatCycle = false;
        break;
      case 'PartnerCallRequested':
        effects.push({ kind: 'call-partner', call: event.call });
        break;
      case 'LeaseBacklogCleared':
        effects.push({ kind: 'clear-lease-backlog' });
        break;
      case 'CommandReceived':
        requests.set(event.commandId, event.request);
        break;
      case 'CommandAnswered': {
        const request = requests.get(event.commandId);
        if (request !== undefined && event.response?.result === KEA_RESULT.success) {
          const switched = dhcpSwitchEffect(request);
          if (switched !== null) effects.push(switched);
        }
        effects.push({
          kind: 'answer-command',
          commandId: event.commandId,
          response: event.response,
          ...(event.failure === undefined ? {} : { failure: event.failure }),
        });
        break;
      }
      case 'ServiceStarted':
      case 'CommunicationObserved':
      case 'PartnerMarkedUnavailable':
      case 'LeaseUpdatesCompleted':
      case 'StateTransitioned':
      case 'StateMachinePaused':
      case 'StateMachineContinued':
      case 'StateEntered':
      case 'ScopesServed':
      case 'DhcpServiceSwitched':
      case 'LeaseUpdateSkipped':
      case 'LeaseUpdateQueued':
      case 'SyncCompleteNotified':
      case 'PartnerCallCompleted':
      case 'Noted':
      case 'ObservationGap':
      case 'HookCompleted':
        break;
      default:
        assertNever(event);
    }
  }
  // Kea re-arms its one-shot timer after every heartbeat and whenever it starts one.
  if (heartbeatCycle && machine?.heartbeatRunning === true) {
    effects.push({ kind: 'arm-heartbeat', delayMs: machine.config.heartbeatDelayMs });
  }
  return effects;
}

/**
 * Kea's network state: `dhcp-disable` with `max-period` re-enables the service when the period ends, and
 * an explicit `dhcp-enable` (or a disable without a period) cancels that. ha-sync-complete-notify does not,
 * as in Kea 2.2.0.
 */
function dhcpSwitchEffect(request: CommandRequest): Effect | null {
  if (request.command === 'dhcp-enable') return { kind: 'cancel-dhcp-reenable' };
  if (request.command !== 'dhcp-disable') return null;
  const args = request.arguments;
  const maxPeriod =
    typeof args === 'object' && args !== null ? (args as Record<string, unknown>)['max-period'] : undefined;
  return typeof maxPeriod === 'number' && maxPeriod >= 1
    ? { kind: 'schedule-dhcp-reenable', afterMs: maxPeriod * 1000 }
    : { kind: 'cancel-dhcp-reenable' };
}
