import type { HaMachineState, HaState } from '@haco/ha-core';

/**
 * How long until a server would take over its partner's scopes were the partner gone from now on, by Kea
 * 2.2's rules as the machine folds them: communication counts as failed once max-response-delay has
 * passed since the partner last answered, and the next heartbeat (every heartbeat-delay) that fails then
 * moves the server to partner-down. With max-unacked-clients above 0, unanswered clients decide instead,
 * and no time can be told.
 */
export interface FailoverForecast {
  /** An upper bound in milliseconds; 0 when it serves the partner's scopes already; null when no time can be told. */
  readonly takeoverInMs: number | null;
  readonly why: string;
}

/** States from which a server never takes over by itself. */
const NEVER: readonly HaState[] = ['backup', 'passive-backup', 'terminated', 'in-maintenance'];

export function failoverForecast(
  machine: HaMachineState,
  lastAnswerMs: number,
  nowMs: number,
): FailoverForecast {
  const { config, state } = machine;
  if (state === 'partner-down') return { takeoverInMs: 0, why: "it serves its partner's scopes already" };
  if (NEVER.includes(state)) return { takeoverInMs: null, why: `it never takes over in ${state}` };
  if (machine.paused) return { takeoverInMs: null, why: `paused in ${state}: only once released` };
  const self = config.peers.find((peer) => peer.name === config.thisServerName);
  if (self?.autoFailover === false) return { takeoverInMs: null, why: 'auto-failover is off' };
  if (config.maxUnackedClients > 0) {
    return {
      takeoverInMs: null,
      why: `after max-response-delay, more than ${config.maxUnackedClients} clients unanswered by the partner decide`,
    };
  }
  const failedAt = Math.max(lastAnswerMs + config.maxResponseDelayMs, nowMs);
  return {
    takeoverInMs: failedAt - nowMs + config.heartbeatDelayMs,
    why: `max-response-delay ${config.maxResponseDelayMs} ms after the partner's last answer, then the next heartbeat (every ${config.heartbeatDelayMs} ms)`,
  };
}
