import { assertNever } from './assert-never';
import { handleCommand, resumeCommand } from './commands/dispatch';
import { leaseUpdateRoute } from './lease-updates';
import { otherServers } from './topology';
import { Decision } from './machine/decision';
import { scheduleHeartbeat } from './machine/entry-actions';
import type { HaEvent, RestartKind } from './machine/events';
import type { HaInput } from './machine/inputs';
import type { PartnerCallOutcome } from './machine/partner-calls';
import type { HaMachineState } from './machine/machine-state';
import type { CommunicationView } from './observe/communication-view';
import { pauseOnEntry } from './machine/pausing';
import type { RunMode } from './machine/run-model';
import { resumeHandler, runModel } from './machine/run-model';
import { initialMachineState } from './machine/evolve';

export interface DecideOptions {
  /** 'cascade' (default) is production; 'single' runs one handler per event, as Kea's unit tests do. */
  readonly runMode?: RunMode;
}

/**
 * The state machine's only entry point: given what it knows and what just happened, the events it decides.
 * Pure: same state and input, same events. Folding them with `evolve` gives the next state.
 */
export function decide(state: HaMachineState | null, input: HaInput, options: DecideOptions = {}): HaEvent[] {
  const runMode = options.runMode ?? 'cascade';
  if (input.type === 'start') return start(input.config, input.at, runMode, input.restart);
  if (state === null) throw new Error(`the HA service has not started; '${input.type}' cannot be decided`);
  // A clean stop ends the run whatever the machine waits for: the process is going.
  if (input.type === 'stop') return [{ type: 'ServiceStopped', reason: input.reason, state: state.state }];
  // A hook is the outside world acting on an event: what it did is recorded whatever the machine waits for.
  if (input.type === 'hook-completed') return [{ type: 'HookCompleted', ...input.run }];
  const d = new Decision(state, input.at);
  if (state.pendingCall !== null && input.type !== 'partner-call-completed' && input.type !== 'command') {
    throw new Error(
      `'${input.type}' arrived while the machine waits for a ${state.pendingCall.call.kind} call`,
    );
  }
  switch (input.type) {
    case 'heartbeat-completed': {
      observeCommunication(d, input.communication);
      // The partner synced from us but now fails heartbeats: partner-down must serve its clients again.
      const trigger =
        state.syncCompleteNotified && !input.result.ok ? 'synced-partner-unavailable' : 'heartbeat-complete';
      if (input.result.ok) {
        d.emit({
          type: 'HeartbeatSucceeded',
          partnerState: input.result.partnerState,
          partnerScopes: input.result.scopes,
          partnerUnsentUpdateCount: input.result.unsentUpdateCount,
          clockSkewSeconds: input.result.clockSkewSeconds,
        });
      } else {
        d.emit({ type: 'HeartbeatFailed', reason: input.result.reason });
      }
      // Kea re-arms the one-shot heartbeat timer after every heartbeat, before running the machine.
      scheduleHeartbeat(d);
      runModel(d, trigger, runMode);
      break;
    }
    case 'lease-updates-completed':
      observeCommunication(d, input.communication);
      d.emit({ type: 'LeaseUpdatesCompleted', partnerFailed: input.partnerFailed });
      runModel(d, 'lease-updates-complete', runMode);
      break;
    case 'communication-observed':
      observeCommunication(d, input.communication);
      break;
    case 'lease-updates-generated':
      routeLeaseUpdates(d, input.count);
      break;
    case 'command':
      handleCommand(d, input.commandId, input.request, input.guard);
      break;
    case 'partner-call-completed':
      completePartnerCall(d, input.outcome);
      break;
    default:
      assertNever(input, 'input');
  }
  return d.events;
}

/** Records the outcome of the pending peer call and carries on the handler or command that waited for it. */
export function completePartnerCall(d: Decision, outcome: PartnerCallOutcome): void {
  const pending = d.state.pendingCall;
  if (pending === null) throw new Error('a partner call completed but none was pending');
  d.emit({ type: 'PartnerCallCompleted', call: pending.call, outcome });
  const continuation = pending.continuation;
  if (continuation.kind === 'command') {
    resumeCommand(d, continuation.commandId, continuation.command, pending.call, outcome);
  } else {
    resumeHandler(d, pending.call, continuation, outcome);
  }
}

function start(
  config: HaMachineState['config'],
  at: number,
  runMode: RunMode,
  restart: RestartKind | undefined,
): HaEvent[] {
  // initialMachineState is what ServiceStarted folds to, so the event is recorded without re-applying it.
  const d = new Decision(initialMachineState(config), at);
  d.events.push({ type: 'ServiceStarted', config, ...(restart === undefined ? {} : { restart }) });
  const pause = pauseOnEntry(d.state);
  if (pause !== null) d.emit(pause);
  runModel(d, 'start', runMode);
  return d.events;
}

function observeCommunication(d: Decision, communication: CommunicationView | undefined): void {
  if (communication === undefined) return;
  const known = d.state.communication;
  const same = (Object.keys(communication) as (keyof CommunicationView)[]).every(
    (key) => communication[key] === known[key],
  );
  if (!same) d.emit({ type: 'CommunicationObserved', communication });
}

/** Lease updates the partner will not get are counted (reported as unsent-update-count) or queued. */
function routeLeaseUpdates(d: Decision, count: number): void {
  for (const peer of otherServers(d.state.config)) {
    if (peer.role === 'backup') continue;
    const route = leaseUpdateRoute(d.state, peer);
    if (route === 'queue') d.emit({ type: 'LeaseUpdateQueued', count });
    if (route === 'skip' && d.state.config.sendLeaseUpdates) d.emit({ type: 'LeaseUpdateSkipped', count });
  }
}
