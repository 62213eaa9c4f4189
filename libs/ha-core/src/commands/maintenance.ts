import type { HaState } from '../states';
import { runModel } from '../machine/run-model';
import { transitionTo } from '../machine/transition';
import type { PartnerCall, PartnerCallOutcome } from '../machine/partner-calls';
import { callSucceeded, describeCallFailure } from '../machine/partner-calls';
import type { Trigger } from '../machine/triggers';
import { failoverPartner } from '../topology';
import type { CommandContext } from './command-context';
import { KEA_RESULT } from '../kea/kea-response';

const CANNOT_START_MAINTENANCE_IN: readonly HaState[] = [
  'backup',
  'in-maintenance',
  'partner-in-maintenance',
  'terminated',
];
const CANNOT_ENTER_MAINTENANCE_IN: readonly HaState[] = ['backup', 'partner-in-maintenance', 'terminated'];

function requestNotify(ctx: CommandContext, cancel: boolean): void {
  const call: PartnerCall = { kind: 'maintenance-notify', cancel };
  ctx.d.emit({
    type: 'PartnerCallRequested',
    call,
    continuation: { kind: 'command', commandId: ctx.commandId, command: ctx.name },
  });
}

/** A command-forced transition followed by exactly one handler run (spec 1.3). */
function forceState(ctx: CommandContext, to: HaState, trigger: Trigger): void {
  transitionTo(ctx.d, to, { kind: 'command', command: ctx.name, commandId: ctx.commandId });
  runModel(ctx.d, trigger, 'single');
}

/** Operator, to the server that will take over: asks the partner into in-maintenance (spec 5.5). */
export function maintenanceStart(ctx: CommandContext): void {
  const state = ctx.d.state.state;
  if (CANNOT_START_MAINTENANCE_IN.includes(state)) {
    ctx.error(`Unable to transition the server from the ${state} to partner-in-maintenance state.`);
    return;
  }
  if (failoverPartner(ctx.d.state.config) === undefined) {
    ctx.noAnswer(`no failover partner server found for this server ${ctx.d.state.config.thisServerName}`);
    return;
  }
  requestNotify(ctx, false);
}

export function maintenanceStartCompleted(ctx: CommandContext, outcome: PartnerCallOutcome): void {
  if (callSucceeded(outcome)) {
    forceState(ctx, 'partner-in-maintenance', 'maintenance-start');
    ctx.ok(
      'Server is now in the partner-in-maintenance state and its partner is in-maintenance state. The partner can be now safely shut down.',
    );
    return;
  }
  ctx.d.emit({ type: 'PartnerMarkedUnavailable', reason: describeCallFailure(outcome) });
  if (outcome.transportFailed || outcome.result === KEA_RESULT.error) {
    forceState(ctx, 'partner-down', 'maintenance-start');
    ctx.ok('Server is now in the partner-down state as its partner appears to be offline for maintenance.');
    return;
  }
  ctx.error(
    `Unable to transition to the partner-in-maintenance state. The partner server responded with the following message to the ha-maintenance-notify command: ${describeCallFailure(outcome)}.`,
  );
}

/** Peer to peer: enter in-maintenance, or go back where we were (spec 5.6). */
export function maintenanceNotify(ctx: CommandContext): void {
  const args = ctx.request.arguments;
  if (args === undefined || args === null) {
    ctx.noAnswer("arguments not found in the 'ha-maintenance-notify' command");
    return;
  }
  if (typeof args !== 'object' || Array.isArray(args)) {
    ctx.noAnswer("arguments in the 'ha-maintenance-notify' command are not a map");
    return;
  }
  const cancel = (args as { readonly [key: string]: unknown })['cancel'];
  if (cancel === undefined) {
    ctx.noAnswer("'cancel' is mandatory for the 'ha-maintenance-notify' command");
    return;
  }
  if (typeof cancel !== 'boolean') {
    ctx.noAnswer("'cancel' must be a boolean in the 'ha-maintenance-notify' command");
    return;
  }
  const state = ctx.d.state.state;
  if (cancel) {
    if (state !== 'in-maintenance') {
      ctx.error('Unable to cancel the maintenance for the server not in the in-maintenance state.');
      return;
    }
    forceState(ctx, ctx.d.state.previousState, 'maintenance-cancel');
    ctx.ok('Server maintenance canceled.');
    return;
  }
  if (CANNOT_ENTER_MAINTENANCE_IN.includes(state)) {
    ctx.error(
      `Unable to transition the server from the ${state} to in-maintenance state.`,
      KEA_RESULT.maintenanceNotAllowed,
    );
    return;
  }
  forceState(ctx, 'in-maintenance', 'maintenance-notify');
  ctx.ok('Server is in-maintenance state.');
}

/** Operator, to the server in partner-in-maintenance: ends the maintenance on both sides (spec 5.7). */
export function maintenanceCancel(ctx: CommandContext): void {
  if (ctx.d.state.state !== 'partner-in-maintenance') {
    ctx.error(
      'Unable to cancel maintenance request because the server is not in the partner-in-maintenance state.',
    );
    return;
  }
  requestNotify(ctx, true);
}

export function maintenanceCancelCompleted(ctx: CommandContext, outcome: PartnerCallOutcome): void {
  if (!callSucceeded(outcome)) {
    ctx.d.emit({ type: 'PartnerMarkedUnavailable', reason: describeCallFailure(outcome) });
    ctx.error(
      `Unable to cancel maintenance. The partner server responded with the following message to the ha-maintenance-notify command: ${describeCallFailure(outcome)}.`,
    );
    return;
  }
  forceState(ctx, ctx.d.state.previousState, 'maintenance-cancel');
  ctx.ok('Server maintenance successfully canceled.');
}
