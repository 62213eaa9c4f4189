import type { HaEvent, HaMachineState, HaState, RestartKind } from '@haco/ha-core';
import { assertNever } from '@haco/common';
import { evolve, failoverPartner } from '@haco/ha-core';
import type { EventEnvelope } from '@haco/contracts';
import { COMMANDS_STREAM } from '@haco/contracts';
import type { EventStore, StoredEvent } from '../event-store';
import { streamPages } from '../stream-pages';
import type { TransitionRecord } from '../transitions';
import { splitStream, transitionRow } from '../transitions';
import { livenessAt } from './peer-liveness';
import { failoverOf } from './failover-progress';
import { failoverForecast } from './failover-forecast';
import type { LastHook, PeerView, RefusedEvent } from './peer-view';

export type { PeerView, RefusedEvent } from './peer-view';

/** A history row as the API lists it: with the operator behind it, when a command caused it. */
export type HistoryRecord = TransitionRecord & { readonly who: string | null; readonly why: string | null };

/** Raised whenever what a fold keeps changes, so that checkpoints of an older fold are not restored. */
const FOLD_VERSION = 8;

const asEvent = (stored: StoredEvent): HaEvent => ({ type: stored.type, ...stored.data }) as HaEvent;

export function isPeerStream(stream: string): boolean {
  return stream !== COMMANDS_STREAM && !stream.startsWith('_');
}

/** What operators ask about a peer, folded one stored event at a time: where it is and how it got there. */
export class PeerFold {
  private machine: HaMachineState | null = null;
  private pausedSince: string | null = null;
  private pause: 'once' | 'always' | null = null;
  private lastHeartbeatAt: string | null = null;
  private enteredAt: string | null = null;
  private startedAt: string | null = null;
  private restart: RestartKind | null = null;
  private stoppedAt: string | null = null;
  private transitions = 0;
  private restarts = { clean: 0, crash: 0 };
  private lastHeartbeatSucceededAt: string | null = null;
  refusedEvents = 0;
  private unexplainedTransitions = 0;
  private lastObservationGap: { from: string; to: string } | null = null;
  private observedBy: string | null = null;
  private failedHooks = 0;
  /** When the partner last answered anything (a heartbeat, lease updates, a call): failure detection's clock. */
  private lastPartnerAnswerAt: string | null = null;
  private lastHook: LastHook | null = null;
  lastRefusedEvent: RefusedEvent | null = null;
  lastSeq = 0;

  constructor(private readonly stream: string) {}

  /** The machine as the stream folds to (a dry run starts from it). */
  get machineState(): HaMachineState | null {
    return this.machine;
  }

  /** The fold as saved text, to be restored by `restore` (of the same FOLD_VERSION). */
  snapshot(): string {
    // Every field of the fold but its stream's name, which a restore is given.
    const { stream, ...fields } = this as unknown as Record<string, unknown>;
    void stream;
    return JSON.stringify({ version: FOLD_VERSION, ...fields });
  }

  /** The fold a snapshot saved; null when it was saved by another version of the fold (then refold). */
  static restore(stream: string, text: string): PeerFold | null {
    const saved = JSON.parse(text) as Partial<Record<keyof PeerFold | 'version', unknown>>;
    if (saved.version !== FOLD_VERSION) return null;
    const { version, ...fields } = saved;
    void version;
    return Object.assign(new PeerFold(stream), fields);
  }

  /** Folds the next event; returns its history record when it has one (the same row the writer stores). */
  apply(stored: StoredEvent): TransitionRecord | null {
    const event = asEvent(stored);
    this.lastSeq = stored.seq;
    try {
      this.machine = evolve(this.machine, event);
    } catch (error) {
      this.refusedEvents += 1;
      this.lastRefusedEvent = { seq: stored.seq, type: stored.type, reason: (error as Error).message };
      return null;
    }
    const envelope = stored as unknown as EventEnvelope;
    const row = transitionRow(envelope, stored.position, this.enteredAt);
    this.follow(event, stored.at);
    if (row === null) return null;
    const { position, stream, ...record } = row;
    void position;
    return { ...splitStream(stream), ...record };
  }

  private follow(event: HaEvent, at: string): void {
    switch (event.type) {
      case 'ServiceStarted':
        this.enteredAt = at;
        this.startedAt = at;
        this.observedBy = event.observedBy ?? null;
        this.restart = event.restart ?? null;
        if (event.restart === 'after-clean-stop')
          this.restarts = { ...this.restarts, clean: this.restarts.clean + 1 };
        if (event.restart === 'after-crash')
          this.restarts = { ...this.restarts, crash: this.restarts.crash + 1 };
        this.stoppedAt = null;
        this.pausedSince = null;
        return;
      case 'ServiceStopped':
        this.stoppedAt = at;
        return;
      case 'StateMachinePaused':
        this.pausedSince ??= at;
        this.pause = event.pause;
        return;
      case 'StateMachineContinued':
        this.pausedSince = null;
        return;
      case 'HeartbeatSucceeded':
        this.lastHeartbeatAt = at;
        this.lastHeartbeatSucceededAt = at;
        this.lastPartnerAnswerAt = at;
        return;
      case 'LeaseUpdatesCompleted':
        if (!event.partnerFailed) this.lastPartnerAnswerAt = at;
        return;
      case 'HeartbeatFailed':
        this.lastHeartbeatAt = at;
        return;
      case 'StateTransitioned':
        if (event.from === event.to) return;
        this.enteredAt = at;
        this.transitions += 1;
        if (event.cause.kind === 'observed' && event.cause.unexplained === true)
          this.unexplainedTransitions += 1;
        return;
      case 'ObservationGap':
        this.lastObservationGap = { from: event.from, to: event.to };
        return;
      case 'HookCompleted':
        if (event.outcome !== 'ok') this.failedHooks += 1;
        this.lastHook = {
          hook: event.hook,
          trigger: event.trigger,
          outcome: event.outcome,
          attempt: event.attempt,
          at,
        };
        return;
      case 'CommandAnswered':
      case 'CommandReceived':
      case 'CommunicationObserved':
      case 'DhcpServiceSwitched':
      case 'HeartbeatStarted':
      case 'HeartbeatStopped':
      case 'LeaseBacklogCleared':
      case 'LeaseUpdateQueued':
      case 'LeaseUpdateSkipped':
      case 'Noted':
      case 'PartnerCallCompleted':
      case 'PartnerCallRequested':
      case 'PartnerMarkedUnavailable':
      case 'ScopesServed':
      case 'StateEntered':
      case 'SyncCompleteNotified':
        return;
      default:
        assertNever(event, 'event');
    }
  }

  /** The peer as of `nowMs` (its liveness is judged at that moment). */
  view(nowMs: number): PeerView | null {
    const machine = this.machine;
    if (machine === null) return null;
    const { cluster, peer } = splitStream(this.stream);
    const trace = {
      startedAt: this.startedAt,
      restart: this.restart,
      stoppedAt: this.stoppedAt,
      lastHeartbeatAt: this.lastHeartbeatAt,
    };
    const liveness = livenessAt(machine, trace, nowMs);
    // Failure detection's clock starts with the run, and starts over at each answer of the partner.
    const lastAnswer = [this.lastPartnerAnswerAt, this.startedAt]
      .filter((at): at is string => at !== null)
      .reduce<string | null>((later, at) => (later === null || at > later ? at : later), null);
    return {
      cluster,
      peer,
      mode: machine.config.mode,
      role: machine.config.peers.find((p) => p.name === machine.config.thisServerName)?.role ?? '',
      state: machine.state,
      paused: machine.paused,
      pausedSince: machine.paused ? this.pausedSince : null,
      pause: machine.paused ? this.pause : null,
      partner: {
        name: failoverPartner(machine.config)?.name ?? null,
        state: machine.partner.state,
        scopes: machine.partner.scopes,
      },
      scopes: machine.scopes,
      lastHeartbeatAt: this.lastHeartbeatAt,
      stateSince: this.enteredAt,
      lastSeq: this.lastSeq,
      transitions: this.transitions,
      ...liveness,
      startedAt: this.startedAt,
      restart: this.restart,
      restarts: this.restarts,
      failover: failoverOf(machine),
      // Told only of a running peer: a stopped or unreachable one takes over nothing.
      failoverForecast:
        liveness.status === 'up' && lastAnswer !== null
          ? failoverForecast(machine, Date.parse(lastAnswer), nowMs)
          : null,
      lastHeartbeatSucceededAt: this.lastHeartbeatSucceededAt,
      pauses: Object.entries(machine.config.pausing).map(([state, pause]) => ({
        state,
        pause: String(pause),
        ahead:
          pause === 'always' || (pause === 'once' && !machine.pauseOnceConsumed.includes(state as HaState)),
      })),
      refusedEvents: this.refusedEvents,
      lastRefusedEvent: this.lastRefusedEvent,
      observedBy: this.observedBy,
      lastObservationGap: this.lastObservationGap,
      unexplainedTransitions: this.unexplainedTransitions,
      failedHooks: this.failedHooks,
      lastHook: this.lastHook,
    };
  }
}

/** A peer's view as of `untilMs`, folded page by page from its log; events stamped later are left out. */
export async function peerViewAt(
  store: EventStore,
  stream: string,
  untilMs: number,
): Promise<PeerView | null> {
  const fold = new PeerFold(stream);
  for await (const page of streamPages(store, stream)) {
    for (const stored of page) if (Date.parse(stored.at) <= untilMs) fold.apply(stored);
  }
  return fold.view(untilMs);
}
