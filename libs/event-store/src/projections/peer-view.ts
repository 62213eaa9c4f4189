import type { FailoverForecast } from './failover-forecast';
import type { RestartKind } from '@haco/ha-core';
import type { FailoverProgress } from './failover-progress';
import type { PeerStatus } from './peer-liveness';

/** What the coordinator answers about one peer, folded from its log (PeerFold). */
export interface PeerView {
  readonly cluster: string;
  readonly peer: string;
  readonly mode: string;
  readonly role: string;
  readonly state: string;
  readonly paused: boolean;
  readonly pausedSince: string | null;
  /** How the state it is paused in pauses: once, or always. */
  readonly pause: 'once' | 'always' | null;
  /** Its failover partner as configured (null where it has none: a backup), and what it last heard of it. */
  readonly partner: {
    readonly name: string | null;
    readonly state: string;
    readonly scopes: readonly string[];
  };
  readonly scopes: readonly string[];
  readonly lastHeartbeatAt: string | null;
  readonly stateSince: string | null;
  readonly lastSeq: number;
  /** Transitions to a different state over the whole stream. */
  readonly transitions: number;
  /** The peer's process: up, unreachable (its heartbeats stopped) or stopped (cleanly), and since when. */
  readonly status: PeerStatus;
  readonly statusSince: string | null;
  /** When its current (or last) run started, and whether that was a restart after a clean stop or a crash. */
  readonly startedAt: string | null;
  readonly restart: RestartKind | null;
  /** Its restarts over the whole stream: after a clean stop, and after a crash (a kill, a failure). */
  readonly restarts: { readonly clean: number; readonly crash: number };
  /**
   * The failover progress Kea's status-get reports as `remote` (and Stork shows), as folded from the log;
   * null where Kea reports none (passive-backup, a backup server).
   */
  readonly failover: FailoverProgress | null;
  /** When a heartbeat to the partner last succeeded. */
  readonly lastHeartbeatSucceededAt: string | null;
  /** Each configured pause, and whether it is still to come (always, or once and not yet used). */
  readonly pauses: readonly { readonly state: string; readonly pause: string; readonly ahead: boolean }[];
  /**
   * Stored events the machine's `evolve` refused, left out of this view: never silently. Each is a sign
   * of a peer of another version, or of a log that was changed; the last one is named.
   */
  readonly refusedEvents: number;
  readonly lastRefusedEvent: RefusedEvent | null;
  /** For a real Kea server haco watches rather than runs: who watches it (null for a haco peer). */
  readonly observedBy: string | null;
  /** The last time nobody watched it (the watcher was down), from and to. */
  readonly lastObservationGap: { readonly from: string; readonly to: string } | null;
  /** Observed transitions the shadow check could not explain by Kea 2.2's rules or a command. */
  readonly unexplainedTransitions: number;
  /** How long until it would take over its partner's scopes, were the partner gone now (docs/monitoring.md). */
  readonly failoverForecast: FailoverForecast | null;
  /** Runs of the peer's hooks that failed, timed out or were dropped (docs/operations.md, callbacks). */
  readonly failedHooks: number;
  /** The last run of one of its hooks. */
  readonly lastHook: LastHook | null;
}

export interface LastHook {
  readonly hook: string;
  readonly trigger: string;
  readonly outcome: string;
  readonly attempt: number;
  readonly at: string;
}

/** A stored event the fold could not apply, and why. */
export interface RefusedEvent {
  readonly seq: number;
  readonly type: string;
  readonly reason: string;
}
