import { assertNever } from '../assert-never';
import type { Decision } from '../machine/decision';
import type { CommandRequest } from '../machine/events';
import type { PartnerCall, PartnerCallOutcome } from '../machine/partner-calls';
import { guardRefusal } from '../machine/guard';
import { CommandContext } from './command-context';
import { dhcpDisable, dhcpEnable } from './dhcp-service';
import { haContinue } from './ha-continue';
import { haReset } from './ha-reset';
import { haScopes } from './ha-scopes';
import { haSync, haSyncCompleted, syncCompleteNotify } from './ha-sync';
import { answer, KEA_RESULT } from '../kea/kea-response';
import {
  maintenanceCancel,
  maintenanceCancelCompleted,
  maintenanceNotify,
  maintenanceStart,
  maintenanceStartCompleted,
} from './maintenance';
import type { ReadOnlyCommand } from './status';
import { readOnlyAnswer } from './status';

/** Every control-channel command an HA peer answers. */
export const HA_COMMANDS = [
  'ha-heartbeat',
  'status-get',
  'ha-continue',
  'ha-reset',
  'ha-maintenance-start',
  'ha-maintenance-notify',
  'ha-maintenance-cancel',
  'ha-sync',
  'ha-sync-complete-notify',
  'ha-scopes',
  'dhcp-disable',
  'dhcp-enable',
] as const;

export type HaCommandName = (typeof HA_COMMANDS)[number];

export function isHaCommand(name: string): name is HaCommandName {
  return (HA_COMMANDS as readonly string[]).includes(name);
}

/** Reads `{"command", "arguments"?, "service"?}`; the error text when the request is not one. */
export function readCommandRequest(raw: unknown): CommandRequest | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return 'invalid command: must be a JSON map';
  const map = raw as { readonly [key: string]: unknown };
  if (typeof map['command'] !== 'string' || map['command'].length === 0) {
    return "invalid command: 'command' must be a non-empty string";
  }
  return map['arguments'] === undefined
    ? { command: map['command'] }
    : { command: map['command'], arguments: map['arguments'] };
}

export function handleCommand(d: Decision, commandId: string, raw: unknown, guard?: unknown): void {
  const request = readCommandRequest(raw);
  const received: CommandRequest = typeof request === 'string' ? { command: '', arguments: raw } : request;
  const guarded = guard !== undefined && guard !== null;
  d.emit({ type: 'CommandReceived', commandId, request: received, ...(guarded ? { guard } : {}) });
  const ctx = new CommandContext(d, commandId, received);
  const refusal = guardRefusal(d.state, guard);
  if (refusal !== null) return ctx.reply(refusal);
  if (typeof request === 'string') return ctx.error(request);
  if (!isHaCommand(request.command)) {
    return ctx.reply(answer(KEA_RESULT.unsupported, `'${request.command}' command not supported.`));
  }
  if (d.state.pendingCall !== null && !allowedWhileWaiting(request.command)) {
    return ctx.error(
      `HA service is busy waiting for the partner's answer to ${d.state.pendingCall.call.kind}`,
    );
  }
  const name: HaCommandName = request.command;
  switch (name) {
    case 'ha-heartbeat':
    case 'status-get':
      return ctx.reply(readOnlyAnswer(d.state, name, d.at));
    case 'ha-continue':
      return haContinue(ctx);
    case 'ha-reset':
      return haReset(ctx);
    case 'ha-maintenance-start':
      return maintenanceStart(ctx);
    case 'ha-maintenance-notify':
      return maintenanceNotify(ctx);
    case 'ha-maintenance-cancel':
      return maintenanceCancel(ctx);
    case 'ha-sync':
      return haSync(ctx);
    case 'ha-sync-complete-notify':
      return syncCompleteNotify(ctx);
    case 'ha-scopes':
      return haScopes(ctx);
    case 'dhcp-disable':
      return dhcpDisable(ctx);
    case 'dhcp-enable':
      return dhcpEnable(ctx);
    default:
      return assertNever(name, 'command');
  }
}

export function isReadOnly(name: string): name is ReadOnlyCommand {
  return name === 'ha-heartbeat' || name === 'status-get';
}

/**
 * Commands that never run the state machine may be answered while it waits for a peer: a partner
 * syncing from us at the same moment must still be able to switch our DHCP service and tell us it is done.
 */
function allowedWhileWaiting(name: HaCommandName): boolean {
  switch (name) {
    case 'ha-heartbeat':
    case 'status-get':
    case 'ha-continue':
    case 'ha-scopes':
    case 'ha-sync-complete-notify':
    case 'dhcp-disable':
    case 'dhcp-enable':
      return true;
    case 'ha-reset':
    case 'ha-maintenance-start':
    case 'ha-maintenance-notify':
    case 'ha-maintenance-cancel':
    case 'ha-sync':
      return false;
    default:
      return assertNever(name, 'command');
  }
}

/** A command that was waiting for a peer's answer gets it: finish and answer the command. */
export function resumeCommand(
  d: Decision,
  commandId: string,
  command: string,
  call: PartnerCall,
  outcome: PartnerCallOutcome,
): void {
  const ctx = new CommandContext(d, commandId, { command });
  switch (call.kind) {
    case 'maintenance-notify':
      return call.cancel ? maintenanceCancelCompleted(ctx, outcome) : maintenanceStartCompleted(ctx, outcome);
    case 'lease-sync':
      return haSyncCompleted(ctx, call.serverName, outcome);
    case 'send-lease-backlog':
    case 'ha-reset':
      throw new Error(`no command waits for a ${call.kind} call`);
    default:
      return assertNever(call, 'partner call');
  }
}
