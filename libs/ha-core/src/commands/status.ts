import { assertNever } from '../assert-never';
import type { HaMachineState } from '../machine/machine-state';
import { failoverPartner, isBackupServer, thisServer } from '../topology';
import { formatRfc1123 } from '../kea/rfc1123';
import type { KeaResponse } from '../kea/kea-response';
import { answer, KEA_RESULT } from '../kea/kea-response';

/** The ha-heartbeat answer (spec 5.2): identical whether or not the machine is paused. */
export function heartbeatAnswer(machine: HaMachineState, at: number): KeaResponse {
  return answer(KEA_RESULT.success, 'HA peer status returned.', {
    state: machine.state,
    'date-time': formatRfc1123(at),
    scopes: [...machine.scopes].sort(),
    'unsent-update-count': machine.unsentUpdateCount,
  });
}

/** status-get's `ha-servers` object exactly as Kea 2.2.0 reports it (spec 5.11). */
export function haServersReport(machine: HaMachineState): Record<string, unknown> {
  const config = machine.config;
  const local = { role: thisServer(config).role, scopes: [...machine.scopes].sort(), state: machine.state };
  const partner = failoverPartner(config);
  if (config.mode === 'passive-backup' || isBackupServer(config) || partner === undefined) return { local };
  const communication = machine.communication;
  const inTouch = machine.partner.state !== 'unknown';
  const interrupted = communication.status !== 'ok';
  // Kea counts down while interrupted and the limit is not yet exceeded, whatever the limit (a real Kea
  // 2.2.0 in partner-down with max-unacked-clients 0 reports 1 left).
  const countingDown = interrupted && communication.unackedClients <= config.maxUnackedClients;
  const remote = {
    age: inTouch ? communication.ageSeconds : 0,
    'in-touch': inTouch,
    'last-scopes': [...machine.partner.scopes],
    'last-state': inTouch ? machine.partner.state : '',
    'communication-interrupted': interrupted,
    'connecting-clients': communication.connectingClients,
    'unacked-clients': communication.unackedClients,
    'unacked-clients-left': countingDown ? config.maxUnackedClients - communication.unackedClients + 1 : 0,
    'analyzed-packets': communication.analyzedPackets,
    role: partner.role,
  };
  return { local, remote };
}

/** The `high-availability` list Kea adds to status-get: one relationship in 2.2.0. */
export function highAvailabilitySection(machine: HaMachineState): Record<string, unknown>[] {
  return [{ 'ha-mode': machine.config.mode, 'ha-servers': haServersReport(machine) }];
}

/**
 * haco's status-get: Kea's section (no `text`, as in 2.2.0) plus the one thing Kea does not show, whether
 * the state machine is paused, as `local.paused`.
 */
export function statusGetAnswer(machine: HaMachineState): KeaResponse {
  const section = highAvailabilitySection(machine).map((relationship) => {
    const servers = relationship['ha-servers'] as { local: Record<string, unknown> };
    return {
      ...relationship,
      'ha-servers': { ...servers, local: { ...servers.local, paused: machine.paused } },
    };
  });
  return answer(KEA_RESULT.success, undefined, { 'high-availability': section });
}

/** The read-only commands: answered from the current state, the same way over every channel. */
export type ReadOnlyCommand = 'ha-heartbeat' | 'status-get';

/**
 * The one path for ha-heartbeat and status-get answers, whether a peer answers them outside the log (they
 * change nothing, and heartbeats would drown it) or the machine answers them as recorded commands.
 */
export function readOnlyAnswer(state: HaMachineState, command: ReadOnlyCommand, at: number): KeaResponse {
  switch (command) {
    case 'ha-heartbeat':
      return heartbeatAnswer(state, at);
    case 'status-get':
      return statusGetAnswer(state);
    default:
      return assertNever(command, 'command');
  }
}
