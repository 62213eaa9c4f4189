import type { HaConfig, HaEvent, HaState } from '@haco/ha-core';
import { HA_STATES, transitionExplained } from '@haco/ha-core';
import type { KeaHaStatus } from '../kea/kea-answers';
import type { KeaLogObservation } from '../kea/kea-log-line';
import type { ObservationLog } from './observation-log';

/** What the watcher saw last: the server's state and pause, as its stream folds them. */
export interface Seen {
  state: HaState;
  paused: boolean;
  partnerState: HaState | null;
  partnerScopes: string;
}

/**
 * Turns what is seen of one Kea server (its log lines, its status-get answers) into the events of its
 * stream, keeping the state and pause they fold to.
 */
export class ObservedServer {
  seen: Seen = { state: 'waiting', paused: false, partnerState: null, partnerScopes: '' };
  config: HaConfig | null = null;
  /** The haco command id of an ha-continue just forwarded: the continue Kea logs next is its doing. */
  continuing: string | null = null;
  private progressKey = 'ok|0|0|0';

  constructor(
    private readonly observations: ObservationLog,
    /** Who watches: written into the stream's start, so replay folds it rather than re-deciding it. */
    private readonly observedBy: string,
    /** This run's start: log lines from before it are filled in afterwards, and marked so. */
    private readonly startedAt: number,
    /** Told of a transition the shadow check cannot explain (the watcher logs it). */
    private readonly onUnexplained?: (from: HaState, to: HaState, partnerState: string) => void,
  ) {}

  /** The stream's (or Kea's) start, at `at`: the machine is waiting again. */
  started(at: number): void {
    this.observations.record(
      [{ type: 'ServiceStarted', config: this.config!, observedBy: this.observedBy }],
      at,
    );
    this.seen = { ...this.seen, state: 'waiting', paused: false };
  }

  logged(seen: KeaLogObservation): void {
    const backfilled = seen.at < this.startedAt;
    switch (seen.kind) {
      case 'service-started':
        this.started(seen.at);
        return;
      case 'transition':
        this.transition(seen.from, seen.to, seen.partnerState, seen.at, 'kea-log', backfilled);
        return;
      case 'paused': {
        const pause = this.config?.pausing[seen.state] === 'once' ? 'once' : 'always';
        this.observations.record([{ type: 'StateMachinePaused', state: seen.state, pause }], seen.at);
        this.seen = { ...this.seen, paused: true };
        return;
      }
      case 'continued': {
        const commandId = this.continuing ?? '';
        this.continuing = null;
        this.observations.record(
          [{ type: 'StateMachineContinued', state: this.seen.state, commandId }],
          seen.at,
          commandId === '' ? undefined : commandId,
        );
        this.seen = { ...this.seen, paused: false };
        return;
      }
      case 'heartbeat-failed':
        this.observations.record([{ type: 'HeartbeatFailed', reason: seen.reason }], seen.at);
        return;
      case 'lease-updates-failed':
        this.observations.record([{ type: 'LeaseUpdatesCompleted', partnerFailed: true }], seen.at);
        return;
    }
  }

  transition(
    from: HaState,
    to: HaState,
    partnerState: string,
    at: number,
    source: 'kea-log' | 'status-get',
    backfilled = false,
  ): void {
    // Only Kea's own log lines are checked: between two polls status-get may skip states, which would
    // make every such jump look impossible.
    const unexplained =
      source === 'kea-log' &&
      this.config !== null &&
      !transitionExplained(this.config, from, to, partnerState);
    if (unexplained) this.onUnexplained?.(from, to, partnerState);
    const event: HaEvent = {
      type: 'StateTransitioned',
      from,
      to,
      partnerState: partnerStateOf(partnerState),
      cause: {
        kind: 'observed',
        source,
        ...(backfilled ? { backfilled } : {}),
        ...(unexplained ? { unexplained } : {}),
      },
    };
    this.observations.record([event], at);
    this.seen = { ...this.seen, state: to, paused: false };
  }

  /** The state status-get shows now, recorded as a transition where it differs from the stream's. */
  polled(status: KeaHaStatus, at: number): void {
    if (status.state === this.seen.state) return;
    this.transition(this.seen.state, status.state, status.partnerState ?? 'unknown', at, 'status-get');
  }

  /** The partner as the server last heard it, and its failover progress, each recorded when it changes. */
  partner(status: KeaHaStatus, at: number): void {
    this.progress(status, at);
    if (status.partnerState === null) return;
    const scopes = status.partnerScopes.join(',');
    if (status.partnerState === this.seen.partnerState && scopes === this.seen.partnerScopes) return;
    this.observations.record(
      [
        {
          type: 'HeartbeatSucceeded',
          partnerState: status.partnerState,
          partnerScopes: [...status.partnerScopes],
          partnerUnsentUpdateCount: null,
          clockSkewSeconds: 0,
        },
      ],
      at,
    );
    this.seen = { ...this.seen, partnerState: status.partnerState, partnerScopes: scopes };
  }

  /** Kea's failover progress: recorded when it moves, not when only its age grows. */
  private progress(status: KeaHaStatus, at: number): void {
    const { status: state, connectingClients, unackedClients, analyzedPackets } = status.communication;
    const key = `${state}|${connectingClients}|${unackedClients}|${analyzedPackets}`;
    if (key === this.progressKey) return;
    this.progressKey = key;
    this.observations.record([{ type: 'CommunicationObserved', communication: status.communication }], at);
  }
}

/** A partner state as Kea logs it, in haco's names: one it has not heard from (UNDEFINED) is unknown. */
function partnerStateOf(label: string): HaState | 'unavailable' | 'unknown' {
  if (label === 'unavailable') return 'unavailable';
  return (HA_STATES as readonly string[]).includes(label) ? (label as HaState) : 'unknown';
}
