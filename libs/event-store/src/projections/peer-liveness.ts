import type { HaMachineState, RestartKind } from '@haco/ha-core';

/** Whether a peer's process is there, as its own log tells it. */
export type PeerStatus = 'up' | 'unreachable' | 'stopped';

/** What the log says of a peer's process: its last run's start and end, and its last heartbeat. */
export interface ProcessTrace {
  readonly startedAt: string | null;
  readonly restart: RestartKind | null;
  readonly stoppedAt: string | null;
  readonly lastHeartbeatAt: string | null;
}

export interface Liveness {
  readonly status: PeerStatus;
  /** Since when the status holds: the start, the clean stop, or the moment the heartbeats went missing. */
  readonly statusSince: string | null;
}

/**
 * A peer that stopped cleanly says so in its log. A running peer records a heartbeat outcome every
 * heartbeat-delay; one whose heartbeats stopped for longer than its relationship's max-response-delay is
 * unreachable (killed, hung, or cut off from NATS), whatever state it last reported. A peer whose machine
 * runs no heartbeat (terminated, passive-backup) cannot be judged that way and counts as up.
 */
export function livenessAt(machine: HaMachineState, trace: ProcessTrace, nowMs: number): Liveness {
  if (trace.stoppedAt !== null) return { status: 'stopped', statusSince: trace.stoppedAt };
  const lastSign = trace.lastHeartbeatAt ?? trace.startedAt;
  if (machine.heartbeatRunning && lastSign !== null) {
    const silentUntil = Date.parse(lastSign) + machine.config.maxResponseDelayMs;
    if (nowMs > silentUntil)
      return { status: 'unreachable', statusSince: new Date(silentUntil).toISOString() };
  }
  return { status: 'up', statusSince: trace.startedAt };
}
