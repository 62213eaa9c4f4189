import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, PeerView, Projections } from '@haco/event-store';
import { streamId } from '@haco/contracts';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { PresenceTracker } from '../nats/presence-tracker';
import type { LiveStatus } from './peer-liveness-judge';
import { judgeLiveness } from './peer-liveness-judge';

/** A stream whose places are claimed twice: its state is not a fact until an admin settles it. */
export interface DisputeMark {
  readonly count: number;
  readonly firstSeq: number;
}

export type FleetPeer = Omit<PeerView, 'status'> & {
  readonly status: LiveStatus;
  readonly disputed: DisputeMark | null;
  /**
   * Kea's pausing holds the partner too ("if the primary is paused in waiting, the partner also remains in
   * waiting"): set when this peer, running, is held in a state that needs its partner to move on, while
   * that partner is paused.
   */
  readonly waitingOn: { readonly peer: string; readonly pausedIn: string } | null;
};

/** States in which a peer waits for its partner to move before it can move on itself. */
const HELD_BY_PARTNER = new Set(['waiting', 'syncing', 'ready']);

/**
 * The peers as everything that shows them reads them (the API, health, metrics, Kea's status-get): the
 * folded views, each marked when its stream is disputed, so that no reader shows a disputed state as fact.
 */
@Injectable()
export class FleetView {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PresenceTracker) private readonly presence: PresenceTracker,
  ) {}

  async peers(): Promise<FleetPeer[]> {
    const [views, disputed] = await Promise.all([this.projections.peers(), this.store.disputedStreams()]);
    const now = Date.now();
    const byStream = new Map(views.map((view) => [streamId(view.cluster, view.peer), view]));
    return views.map((view) => {
      const stream = streamId(view.cluster, view.peer);
      const partner =
        view.partner.name === null ? undefined : byStream.get(streamId(view.cluster, view.partner.name));
      return {
        ...view,
        ...this.liveness(view, stream, now),
        disputed: disputed.get(stream) ?? null,
        waitingOn: waitingOn(view, partner),
      };
    });
  }

  /** A peer now, or (`at`) as its log tells it at a past time (its liveness then judged from its log). */
  async peer(stream: string, at?: string): Promise<FleetPeer | null> {
    const view = await this.projections.peer(stream, at);
    if (view === null) return null;
    const live = at === undefined ? this.liveness(view, stream, Date.now()) : {};
    const partner =
      view.partner.name === null
        ? null
        : await this.projections.peer(streamId(view.cluster, view.partner.name), at);
    return {
      ...view,
      ...live,
      disputed: (await this.store.disputedStreams()).get(stream) ?? null,
      waitingOn: waitingOn(view, partner ?? undefined),
    };
  }

  private liveness(view: PeerView, stream: string, nowMs: number) {
    return judgeLiveness({
      view,
      heard: this.presence.lastHeard(stream),
      judging: this.presence.judging(nowMs),
      listeningSince: this.presence.since,
      nowMs,
    });
  }
}

function waitingOn(view: PeerView, partner: PeerView | undefined): FleetPeer['waitingOn'] {
  if (partner === undefined || view.paused || !partner.paused || !HELD_BY_PARTNER.has(view.state))
    return null;
  return { peer: partner.peer, pausedIn: partner.state };
}
