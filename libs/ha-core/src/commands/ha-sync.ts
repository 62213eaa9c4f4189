import type { PartnerCallOutcome } from '../machine/partner-calls';
import { callSucceeded, describeCallFailure } from '../machine/partner-calls';
import { failoverPartner } from '../topology';
import type { CommandContext } from './command-context';
import { argumentMap } from './command-context';

/** Operator: synchronous lease sync from a named peer; never changes the HA state (spec 5.9). */
export function haSync(ctx: CommandContext): void {
  const args = argumentMap(ctx);
  if (typeof args === 'string') return ctx.error(args);
  const serverName = args['server-name'];
  if (serverName === undefined) return ctx.error("'server-name' is mandatory for the 'ha-sync' command");
  if (typeof serverName !== 'string')
    return ctx.error("'server-name' must be a string in the 'ha-sync' command");
  const maxPeriod = args['max-period'];
  if (
    maxPeriod !== undefined &&
    !(typeof maxPeriod === 'number' && Number.isInteger(maxPeriod) && maxPeriod > 0)
  ) {
    return ctx.error("'max-period' must be a positive integer in the 'ha-sync' command");
  }
  // Kea 2.2.0 closes the connection here without an answer (seen live; the reason is its log's).
  if (!ctx.d.state.config.peers.some((p) => p.name === serverName)) {
    return ctx.noAnswer(`no configuration specified for server ${serverName}`);
  }
  ctx.d.emit({
    type: 'PartnerCallRequested',
    call: { kind: 'lease-sync', serverName, maxPeriodSeconds: maxPeriod ?? null },
    continuation: { kind: 'command', commandId: ctx.commandId, command: ctx.name },
  });
}

export function haSyncCompleted(ctx: CommandContext, serverName: string, outcome: PartnerCallOutcome): void {
  if (callSucceeded(outcome)) return ctx.ok('Lease database synchronization complete.');
  if (outcome.transportFailed && failoverPartner(ctx.d.state.config)?.name === serverName) {
    ctx.d.emit({ type: 'PartnerMarkedUnavailable', reason: outcome.error });
  }
  ctx.error(outcome.transportFailed ? outcome.error : describeCallFailure(outcome));
}

/**
 * Peer to peer: the partner finished syncing from us. In partner-down we remember it and wait for the next
 * heartbeat; anywhere else the local DHCP service is switched back on (spec 5.8).
 */
export function syncCompleteNotify(ctx: CommandContext): void {
  if (ctx.d.state.state === 'partner-down') {
    ctx.d.emit({ type: 'SyncCompleteNotified', remembered: true });
  } else if (!ctx.d.state.dhcpEnabled) {
    ctx.d.emit({ type: 'DhcpServiceSwitched', enabled: true, reason: 'partner completed lease sync' });
  }
  ctx.ok('Server successfully notified about the synchronization completion.');
}
