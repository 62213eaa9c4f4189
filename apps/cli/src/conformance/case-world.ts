import type { HaConfig, HaMachineState, HaState } from '@haco/ha-core';
import type { CommunicationStatus, PartnerState } from '@haco/ha-core/probe';
import { isHaState, isPartnerState, scopesOnEntry, settledMachine } from '@haco/ha-core/probe';
import type { ConformanceCase } from './conformance-case';

export function caseState(c: ConformanceCase, field: string, fallback: HaState): HaState {
  const value = c[field] ?? fallback;
  if (!isHaState(value)) throw new Error(`'${field}' is not a state: ${JSON.stringify(value)}`);
  return value;
}

function partnerState(c: ConformanceCase): PartnerState {
  const raw = c['partner_state'];
  const value = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (value === undefined || value === null || value === '' || value === 'undefined') return 'unknown';
  if (!isPartnerState(value)) throw new Error(`'partner_state' is not a state: ${JSON.stringify(value)}`);
  return value;
}

function communication(c: ConformanceCase): CommunicationStatus {
  const value = c['communication'] ?? 'ok';
  if (value !== 'ok' && value !== 'interrupted' && value !== 'failed') {
    throw new Error(`'communication' must be ok, interrupted or failed: ${JSON.stringify(value)}`);
  }
  return value;
}

function count(c: ConformanceCase, ...fields: string[]): number {
  for (const field of fields) {
    const value = c[field];
    if (typeof value === 'number') return value;
  }
  return 0;
}

function flag(c: ConformanceCase, field: string, fallback: boolean): boolean {
  const value = c[field];
  return typeof value === 'boolean' ? value : fallback;
}

function stateList(c: ConformanceCase, field: string): HaState[] {
  const value = c[field] ?? [];
  if (!Array.isArray(value) || !value.every(isHaState))
    throw new Error(`'${field}' must be a list of states`);
  return value;
}

/**
 * The machine as a case describes it when the handler runs: already in `state`, its entry actions done
 * (scopes and DHCP switch as that state sets them), the pause flag and once markers as given.
 */
export function caseWorld(c: ConformanceCase, config: HaConfig, state: HaState): HaMachineState {
  const newUnsent = flag(c, 'partner_has_new_unsent_updates', false);
  const settled = settledMachine(config, state);
  // How the state was entered changes what it serves: partner-down entered through maintenance serves the
  // partner's scopes even without auto-failover.
  const enteredByMaintenance = c['entered_by'] === 'ha-maintenance-start';
  const scopes = Array.isArray(c['scopes'])
    ? (c['scopes'] as string[])
    : Array.isArray(c['scopes_before'])
      ? (c['scopes_before'] as string[])
      : enteredByMaintenance
        ? scopesOnEntry(settled, true)
        : settled.scopes;
  return settledMachine(config, state, {
    // Where a maintenance cancel returns to: `prev_state` (CONFORMANCE.md) or `previous_state`.
    previousState: caseState(
      c,
      c['prev_state'] !== undefined ? 'prev_state' : 'previous_state',
      isHaState(c['enter_from']) ? (c['enter_from'] as HaState) : state,
    ),
    paused: flag(c, 'paused', false),
    pauseOnceConsumed: stateList(c, 'pause_once_consumed'),
    partner: {
      state: partnerState(c),
      scopes: Array.isArray(c['partner_scopes']) ? (c['partner_scopes'] as string[]) : [],
      unsentUpdateCount: newUnsent ? 1 : count(c, 'partner_unsent_update_count'),
      previousUnsentUpdateCount: newUnsent ? 0 : count(c, 'partner_unsent_update_count'),
      clockSkewSeconds: count(c, 'clock_skew_s'),
    },
    communication: {
      status: communication(c),
      ageSeconds: count(c, 'age', 'age_s'),
      connectingClients: count(c, 'connecting_clients'),
      unackedClients: count(c, 'unacked_clients'),
      analyzedPackets: count(c, 'analyzed_packets'),
    },
    heartbeatRunning: flag(c, 'heartbeat_running', settled.heartbeatRunning),
    unsentUpdateCount: count(c, 'unsent_update_count'),
    backlog: {
      size: count(c, 'backlog_size') || (c['backlog_send_ok'] === false ? 1 : 0),
      overflown: flag(c, 'backlog_overflown', false),
    },
    syncCompleteNotified: flag(c, 'sync_complete_notified', false),
    scopes,
    // The DHCP switch before a command: `dhcp_enabled_before`, or `dhcp_enabled`.
    dhcpEnabled: flag(c, 'dhcp_enabled', flag(c, 'dhcp_enabled_before', settled.dhcpEnabled)),
  });
}
