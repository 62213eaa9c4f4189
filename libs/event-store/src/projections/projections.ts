import type { HaMachineState } from '@haco/ha-core';
import type { EventStore } from '../event-store';
import type { HistoryFilter } from '../transitions';
import type { HistoryRecord, PeerView, RefusedEvent } from './peer-view.projection';
import { isPeerStream, PeerFold, peerViewAt } from './peer-view.projection';

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
  /** A stored event the machine refused to fold: left out of the view, counted there, and told here. */
  readonly onRefusedEvent?: (stream: string, event: RefusedEvent) => void;
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

  /** A peer's machine as its stream folds to now (its fold brought up to date first). */
  async machineOf(stream: string): Promise<PeerFold['machineState']> {
    await this.peer(stream);
    return (await this.foldOf(stream)).fold.machineState;
  }

  /** A peer's HA configuration as its current run started with it (its fold brought up to date first). */
  async configOf(stream: string): Promise<HaMachineState['config'] | null> {
    return (await this.machineOf(stream))?.config ?? null;
  }

  async peer(stream: string, until?: string): Promise<PeerView | null> {
    if (until !== undefined) return peerViewAt(this.store, stream, Date.parse(until));
    const kept = await this.foldOf(stream);
    const { fold } = kept;
    for (;;) {
      const events = await this.store.readStream(stream, fold.lastSeq + 1, FOLD_PAGE);
      for (const stored of events) {
        const refusedBefore = fold.refusedEvents;
        fold.apply(stored);
        if (fold.refusedEvents > refusedBefore && fold.lastRefusedEvent !== null) {
          this.options.onRefusedEvent?.(stream, fold.lastRefusedEvent);
        }
      }
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
   * The history from the indexed table, in the API's shape: each row an operator's command caused names
   * who sent it and why. Those rows are an ha-continue's `continued` row and the transitions a command
   * makes itself (ha-reset, maintenance); the transitions that follow a continue are decided later by the
   * machine's rules and name no command.
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
