import { assertNever } from '../assert-never';
import type { HaEvent } from '../machine/events';
import type { HaMachineState } from '../machine/machine-state';
import { leaseUpdateRoute } from '../lease-updates';
import { logLabel } from '../states';
import { failoverPartner, isBackupServer } from '../topology';

/** One line of Kea's HA log: the message id operators know, and its 2.2.0 text. */
export interface KeaLogLine {
  readonly id: string;
  readonly text: string;
}

const line = (id: string, text: string): KeaLogLine => ({ id, text });

/**
 * The Kea 2.2.0 log lines an event stands for. Logs are derived from events (never the other way round),
 * so a replayed stream reproduces the log too. `before` is the state the event was applied to.
 */
export function keaLogLines(event: HaEvent, before: HaMachineState | null): KeaLogLine[] {
  switch (event.type) {
    case 'ServiceStarted': {
      const me = event.config.peers.find((p) => p.name === event.config.thisServerName);
      return [
        line(
          'HA_SERVICE_STARTED',
          `started high availability service in ${event.config.mode} mode as ${me?.role} server`,
        ),
      ];
    }
    case 'StateTransitioned':
      return before === null ? [] : transitionLines(event, before);
    case 'StateEntered':
      return before === null ? [] : entryLines(event, before);
    case 'StateMachineContinued':
      return [line('HA_STATE_MACHINE_CONTINUED', 'state machine is un-paused')];
    case 'HeartbeatFailed': {
      const lines = [line('HA_HEARTBEAT_FAILED', `heartbeat to the partner failed: ${event.reason}`)];
      if (before !== null && before.communication.status !== 'ok') {
        const partner = failoverPartner(before.config)?.name ?? '';
        lines.push(line('HA_COMMUNICATION_INTERRUPTED', `communication with ${partner} is interrupted`));
      }
      return lines;
    }
    case 'DhcpServiceSwitched':
      return before === null ? [] : [dhcpLine(event.enabled, before.config.thisServerName, before.state)];
    case 'Noted':
      return [line(event.note, noteText(event.note, event.detail))];
    case 'CommunicationObserved':
    case 'HeartbeatSucceeded':
    case 'PartnerMarkedUnavailable':
    case 'LeaseUpdatesCompleted':
    case 'StateMachinePaused':
    case 'HeartbeatStarted':
    case 'HeartbeatStopped':
    case 'ScopesServed':
    case 'LeaseUpdateSkipped':
    case 'LeaseUpdateQueued':
    case 'LeaseBacklogCleared':
    case 'SyncCompleteNotified':
    case 'PartnerCallRequested':
    case 'PartnerCallCompleted':
    case 'CommandReceived':
    case 'CommandAnswered':
    case 'ServiceStopped':
    case 'ObservationGap':
    case 'HookCompleted':
      return [];
    default:
      return assertNever(event, 'event');
  }
}

function transitionLines(
  event: Extract<HaEvent, { type: 'StateTransitioned' }>,
  before: HaMachineState,
): KeaLogLine[] {
  const config = before.config;
  const from = logLabel(event.from);
  const to = logLabel(event.to);
  const lines: KeaLogLine[] =
    config.mode === 'passive-backup'
      ? [line('HA_STATE_TRANSITION_PASSIVE_BACKUP', `server transitions from ${from} to ${to} state`)]
      : [
          line(
            'HA_STATE_TRANSITION',
            `server transitions from ${from} to ${to} state, partner state is ${logLabel(event.partnerState)}`,
          ),
        ];
  if (event.from === 'waiting' && event.to === 'ready') {
    lines.push(
      line(
        'HA_CONFIG_LEASE_SYNCING_DISABLED_REMINDER',
        'bypassing SYNCING state because lease database synchronization is administratively disabled',
      ),
    );
  }
  const partner = failoverPartner(config);
  if (config.mode === 'passive-backup' || isBackupServer(config) || partner === undefined) return lines;
  if (leaseUpdateRoute({ ...before, state: event.to }, partner) === 'send') {
    lines.push(
      line('HA_LEASE_UPDATES_ENABLED', `lease updates will be sent to the partner while in ${to} state`),
    );
  } else if (!config.sendLeaseUpdates) {
    lines.push(
      line(
        'HA_CONFIG_LEASE_UPDATES_DISABLED_REMINDER',
        `lease updates are administratively disabled and will not be generated while in ${to} state`,
      ),
    );
  } else {
    lines.push(
      line('HA_LEASE_UPDATES_DISABLED', `lease updates will not be sent to the partner while in ${to} state`),
    );
  }
  return lines;
}

function entryLines(event: Extract<HaEvent, { type: 'StateEntered' }>, before: HaMachineState): KeaLogLine[] {
  const lines: KeaLogLine[] = [];
  if (event.dhcpEnabled !== before.dhcpEnabled) {
    lines.push(dhcpLine(event.dhcpEnabled, before.config.thisServerName, event.state));
  }
  const state = logLabel(event.state);
  if (event.paused) lines.push(line('HA_STATE_MACHINE_PAUSED', `state machine paused in state ${state}`));
  switch (event.state) {
    case 'in-maintenance':
      lines.push(
        line(
          'HA_MAINTENANCE_SHUTDOWN_SAFE',
          'the server can now be shutdown for maintenance as the partner has taken over the DHCP traffic',
        ),
      );
      break;
    case 'partner-in-maintenance':
      lines.push(
        line(
          'HA_MAINTENANCE_STARTED',
          'the server is now in the partner-in-maintenance state and the partner can be shut down',
        ),
      );
      break;
    case 'partner-down':
      if (event.byMaintenance) {
        lines.push(
          line(
            'HA_MAINTENANCE_STARTED_IN_PARTNER_DOWN',
            'the server is now in the partner-down state as a result of requested maintenance',
          ),
        );
      }
      break;
    case 'terminated':
      lines.push(
        line(
          'HA_TERMINATED',
          'HA service terminated because of the unacceptable clock skew; fix the problem and restart!',
        ),
      );
      break;
    default:
      break;
  }
  return lines;
}

function dhcpLine(enabled: boolean, server: string, state: HaMachineState['state']): KeaLogLine {
  const word = enabled ? 'enabled' : 'disabled';
  return line(
    enabled ? 'HA_LOCAL_DHCP_ENABLE' : 'HA_LOCAL_DHCP_DISABLE',
    `local DHCP service is ${word} while the ${server} is in the ${logLabel(state)} state`,
  );
}

function noteText(note: Extract<HaEvent, { type: 'Noted' }>['note'], detail: string | undefined): string {
  switch (note) {
    case 'HA_INVALID_PARTNER_STATE_COMMUNICATION_RECOVERY':
      return 'partner is in the communication-recovery state unexpectedly';
    case 'HA_INVALID_PARTNER_STATE_HOT_STANDBY':
      return 'partner is in the hot-standby state unexpectedly';
    case 'HA_INVALID_PARTNER_STATE_LOAD_BALANCING':
      return 'partner is in the load-balancing state unexpectedly';
    case 'HA_TERMINATED_RESTART_PARTNER':
      return 'waiting for the partner in the TERMINATED state to be restarted';
    case 'HA_HIGH_CLOCK_SKEW':
      return `clock skew of ${detail ?? '?'} seconds between this server and its partner is high`;
    case 'HA_LEASES_BACKLOG_NOTHING_TO_SEND':
      return 'no leases in backlog after communication recovery';
  }
}
