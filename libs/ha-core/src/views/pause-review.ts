import type { HaConfig, HaMode } from '../config/types';
import type { HaState } from '../states';

/** What the review of a pair's configurations can find (docs/operations.md lists them with examples). */
export type ReviewCode =
  | 'STATE-MACHINE-DIFFERS'
  | 'PAUSE-WAITING-BOTH'
  | 'PAUSE-PARTNER-DOWN'
  | 'PAUSE-SYNCING'
  | 'PAUSE-NEVER-LEFT'
  | 'PAUSE-NEVER-ENTERED'
  | 'PAUSE-HOLDS-PARTNER'
  | 'FAILOVER-SLOWER-THAN-TARGET';

export interface ReviewFinding {
  readonly code: ReviewCode;
  /** The server whose configuration it is about (its this-server-name). */
  readonly server: string;
  /** The paused state it is about, if it is about one (`state-machine.states[]` of that state). */
  readonly state: HaState | null;
  /** The setting it is about otherwise (`heartbeat-delay`, `state-machine`). */
  readonly setting: string | null;
  readonly text: string;
}

/** States the state machine itself never leaves: a pause there holds nothing that would move. */
const NEVER_LEFT: readonly HaState[] = ['terminated', 'backup', 'passive-backup'];

/** The states each mode can be in beside the common ones. */
const MODE_STATES: Readonly<Record<HaMode, readonly HaState[]>> = {
  'load-balancing': ['load-balancing', 'communication-recovery'],
  'hot-standby': ['hot-standby', 'communication-recovery'],
  'passive-backup': ['passive-backup'],
};
const COMMON_STATES: readonly HaState[] = [
  'waiting',
  'syncing',
  'ready',
  'partner-down',
  'in-maintenance',
  'partner-in-maintenance',
  'terminated',
];

/** States whose pause keeps the partner waiting too: it goes on only once this server has. */
const HOLDS_PARTNER: readonly HaState[] = ['waiting', 'syncing', 'ready'];

/**
 * The worst time from a partner's death to this server's partner-down decision, by Kea 2.2's rules: a
 * heartbeat's wait, then max-response-delay without an answer, then, when clients must prove the partner
 * gone (max-unacked-clients > 0), max-ack-delay for the first unanswered client.
 */
export function failoverBoundMs(config: HaConfig): number {
  const byClients = config.maxUnackedClients > 0 ? config.maxAckDelayMs : 0;
  return config.heartbeatDelayMs + config.maxResponseDelayMs + byClients;
}

/**
 * The traps Kea's documentation warns of in prose, found in one server's HA configuration or in both of a
 * pair's (`partner` null: one file alone). `failoverTargetMs`: a partner-down slower than this is named.
 */
export function reviewPauses(
  config: HaConfig,
  partner: HaConfig | null,
  options: { readonly failoverTargetMs?: number } = {},
): ReviewFinding[] {
  const server = config.thisServerName;
  const findings: ReviewFinding[] = [];
  const about = (code: ReviewCode, state: HaState | null, text: string, setting: string | null = null) =>
    findings.push({ code, server, state, setting, text });
  const paused = Object.entries(config.pausing) as [HaState, 'always' | 'once'][];
  const reachable = [...COMMON_STATES, ...MODE_STATES[config.mode]];
  if (config.peers.some((peer) => peer.name === server && peer.role === 'backup')) reachable.push('backup');
  for (const [state, pause] of paused) {
    if (state === 'partner-down') {
      about(
        'PAUSE-PARTNER-DOWN',
        state,
        `paused (${pause}) in partner-down: the partner's clients stay unserved until an operator releases it`,
      );
    }
    if (state === 'syncing') {
      about(
        'PAUSE-SYNCING',
        state,
        `paused (${pause}) in syncing: the pause comes before the lease sync, which waits for the release`,
      );
    }
    if (NEVER_LEFT.includes(state)) {
      about(
        'PAUSE-NEVER-LEFT',
        state,
        `paused (${pause}) in ${state}, which the state machine never leaves: the pause changes nothing`,
      );
    } else if (!reachable.includes(state)) {
      about(
        'PAUSE-NEVER-ENTERED',
        state,
        `paused (${pause}) in ${state}, which a ${config.mode} server never enters`,
      );
    }
    if (partner !== null && HOLDS_PARTNER.includes(state)) {
      about(
        'PAUSE-HOLDS-PARTNER',
        state,
        `paused (${pause}) in ${state}: ${partner.thisServerName} waits for this server and is held too`,
      );
    }
  }
  if (partner !== null && config.pausing['waiting'] === 'always' && partner.pausing['waiting'] === 'always') {
    about(
      'PAUSE-WAITING-BOTH',
      'waiting',
      `both servers pause always in waiting: after any restart nothing moves until an operator releases each`,
    );
  }
  if (
    partner !== null &&
    JSON.stringify(sorted(config.pausing)) !== JSON.stringify(sorted(partner.pausing))
  ) {
    about(
      'STATE-MACHINE-DIFFERS',
      null,
      `the state-machine pauses differ from ${partner.thisServerName}'s: ${describe(config.pausing)} here, ${describe(partner.pausing)} there`,
      'state-machine',
    );
  }
  const target = options.failoverTargetMs;
  if (target !== undefined && failoverBoundMs(config) > target) {
    about(
      'FAILOVER-SLOWER-THAN-TARGET',
      null,
      `partner-down may take up to ${failoverBoundMs(config)} ms (heartbeat-delay ${config.heartbeatDelayMs} + max-response-delay ${config.maxResponseDelayMs}${config.maxUnackedClients > 0 ? ` + max-ack-delay ${config.maxAckDelayMs}` : ''}), over the target of ${target} ms`,
      'heartbeat-delay',
    );
  }
  return findings;
}

function sorted(pausing: HaConfig['pausing']): [string, string][] {
  return (Object.entries(pausing) as [string, string][]).sort(([a], [b]) => a.localeCompare(b));
}

function describe(pausing: HaConfig['pausing']): string {
  const entries = sorted(pausing);
  return entries.length === 0 ? 'no pause' : entries.map(([state, pause]) => `${state} ${pause}`).join(', ');
}
