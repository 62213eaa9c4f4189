import type { HaEvent, HaMachineState, RestartKind } from '@haco/ha-core';
import { assertNever, evolve } from '@haco/ha-core';
import type { EventEnvelope } from '@haco/contracts';
import { COMMANDS_STREAM } from '@haco/contracts';
import type { EventStore, StoredEvent } from '../event-store';
import { streamPages } from '../stream-pages';
import type { HistoryFilter, TransitionRecord } from '../transitions';
import { splitStream, transitionRow } from '../transitions';
import type { PeerStatus } from './peer-liveness';
import { livenessAt } from './peer-liveness';

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
  readonly partner: { readonly state: string; readonly scopes: readonly string[] };
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
}

/** A history row as the API lists it: with the operator behind it, when a command caused it. */
export type HistoryRecord = TransitionRecord & { readonly who: string | null; readonly why: string | null };

/** Raised whenever what a fold keeps changes, so that checkpoints of an older fold are not restored. */
const FOLD_VERSION = 1;

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
  lastSeq = 0;

  constructor(private readonly stream: string) {}

  /** The fold as saved text, to be restored by `restore` (of the same FOLD_VERSION). */
  snapshot(): string {
    return JSON.stringify({
      version: FOLD_VERSION,
      machine: this.machine,
      pausedSince: this.pausedSince,
      pause: this.pause,
      lastHeartbeatAt: this.lastHeartbeatAt,
      enteredAt: this.enteredAt,
      startedAt: this.startedAt,
      restart: this.restart,
      stoppedAt: this.stoppedAt,
      transitions: this.transitions,
      lastSeq: this.lastSeq,
    });
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
    } catch {
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
        this.restart = event.restart ?? null;
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
      case 'HeartbeatFailed':
        this.lastHeartbeatAt = at;
        return;
      case 'StateTransitioned':
        if (event.from === event.to) return;
        this.enteredAt = at;
        this.transitions += 1;
        return;
      case 'CommandAnswered':
      case 'CommandReceived':
      case 'CommunicationObserved':
      case 'DhcpServiceSwitched':
      case 'HeartbeatStarted':
      case 'HeartbeatStopped':
      case 'LeaseBacklogCleared':
      case 'LeaseUpdateQueued':
      case 'LeaseUpdatesCompleted':
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
    return {
      cluster,
      peer,
      mode: machine.config.mode,
      role: machine.config.peers.find((p) => p.name === machine.config.thisServerName)?.role ?? '',
      state: machine.state,
      paused: machine.paused,
      pausedSince: machine.paused ? this.pausedSince : null,
      pause: machine.paused ? this.pause : null,
      partner: { state: machine.partner.state, scopes: machine.partner.scopes },
      scopes: machine.scopes,
      lastHeartbeatAt: this.lastHeartbeatAt,
      stateSince: this.enteredAt,
      lastSeq: this.lastSeq,
      transitions: this.transitions,
      ...livenessAt(machine, trace, nowMs),
      startedAt: this.startedAt,
      restart: this.restart,
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

const FOLD_PAGE = 10_000;

/** Events folded past a stream's last checkpoint before it is saved again. */
export const CHECKPOINT_EVERY = 5_000;

export interface ProjectionOptions {
  /** The time a view is judged at (liveness): the clock, unless a caller replays another. */
  readonly now?: () => number;
  /** Start each stream's fold from its saved checkpoint, and save new ones (a coordinator does). */
  readonly checkpoints?: boolean;
  /** A checkpoint could not be saved: the fold goes on, and the next save tries again. */
  readonly onCheckpointError?: (error: Error) => void;
}

/**
 * Peer views folded from the log and kept: each request folds only the events stored since the last one
 * (the log is append-only). With checkpoints, a restarted coordinator starts each fold where it was last
 * saved rather than at the stream's first event. A view at a past time is folded afresh.
 */
export class Projections {
  private readonly folds = new Map<string, { fold: PeerFold; savedSeq: number }>();
  private readonly now: () => number;

  constructor(
    private readonly store: EventStore,
    private readonly options: ProjectionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A stream's fold as kept, else from its checkpoint, else empty. */
  private async foldOf(stream: string): Promise<{ fold: PeerFold; savedSeq: number }> {
    let kept = this.folds.get(stream);
    if (kept !== undefined) return kept;
    const saved = this.options.checkpoints ? await this.store.checkpoint(stream) : null;
    const restored = saved === null ? null : PeerFold.restore(stream, saved.fold);
    kept = this.folds.get(stream) ?? {
      fold: restored ?? new PeerFold(stream),
      savedSeq: restored === null ? 0 : restored.lastSeq,
    };
    this.folds.set(stream, kept);
    return kept;
  }

  async peerStreams(): Promise<string[]> {
    return (await this.store.streams()).map((h) => h.stream).filter(isPeerStream);
  }

  async peer(stream: string, until?: string): Promise<PeerView | null> {
    if (until !== undefined) return peerViewAt(this.store, stream, Date.parse(until));
    const kept = await this.foldOf(stream);
    const { fold } = kept;
    for (;;) {
      const events = await this.store.readStream(stream, fold.lastSeq + 1, FOLD_PAGE);
      for (const stored of events) fold.apply(stored);
      if (events.length < FOLD_PAGE) break;
    }
    if (this.options.checkpoints && fold.lastSeq - kept.savedSeq >= CHECKPOINT_EVERY) {
      kept.savedSeq = fold.lastSeq;
      await this.store
        .saveCheckpoint(stream, fold.lastSeq, fold.snapshot(), new Date(this.now()).toISOString())
        .catch((error: Error) => {
          kept.savedSeq = 0;
          this.options.onCheckpointError?.(error);
        });
    }
    return fold.view(this.now());
  }

  async peers(): Promise<PeerView[]> {
    const views: PeerView[] = [];
    for (const stream of await this.peerStreams()) {
      const view = await this.peer(stream);
      if (view !== null) views.push(view);
    }
    return views;
  }

  /**
   * The history from the indexed table, in the API's shape: each row caused by an operator's command (an
   * ha-continue's transitions and its continue) names who sent it and why.
   */
  async history(filter: HistoryFilter): Promise<{ total: number; transitions: HistoryRecord[] }> {
    const { total, transitions } = await this.store.history(filter);
    const ids = [...new Set(transitions.flatMap((t) => (t.commandId === null ? [] : [t.commandId])))];
    const operators = await this.store.operators(ids);
    return {
      total,
      transitions: transitions.map((t) => {
        const operator = t.commandId === null ? undefined : operators.get(t.commandId);
        return { ...t, who: operator?.who ?? null, why: operator?.why ?? null };
      }),
    };
  }
}
