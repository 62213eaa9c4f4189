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
  /**
   * Set while this peer and its partner, both alive to the coordinator, serve the same scopes at once: a
   * partition between them, not a dead partner. `since`: when the later of the two entered its state.
   */
  readonly splitBrain: SplitBrainMark | null;
};

export interface SplitBrainMark {
  readonly partner: string;
  readonly scopes: readonly string[];
  readonly since: string | null;
}

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
    const judged = views.map((view) => {
      const stream = streamId(view.cluster, view.peer);
      return { ...view, ...this.liveness(view, stream, now), disputed: disputed.get(stream) ?? null };
    });
    const byStream = new Map(judged.map((view) => [streamId(view.cluster, view.peer), view]));
    return judged.map((view) => {
      const partner =
        view.partner.name === null ? undefined : byStream.get(streamId(view.cluster, view.partner.name));
      return { ...view, waitingOn: waitingOn(view, partner), splitBrain: splitBrain(view, partner) };
    });
  }

  /** A peer now, or (`at`) as its log tells it at a past time (its liveness then judged from its log). */
  async peer(stream: string, at?: string): Promise<FleetPeer | null> {
    const view = await this.projections.peer(stream, at);
    if (view === null) return null;
    const partnerStream = view.partner.name === null ? null : streamId(view.cluster, view.partner.name);
    const partner = partnerStream === null ? null : await this.projections.peer(partnerStream, at);
    const disputed = await this.store.disputedStreams();
    if (at !== undefined) {
      return {
        ...view,
        disputed: disputed.get(stream) ?? null,
        waitingOn: waitingOn(view, partner),
        splitBrain: null,
      };
    }
    // Now: the peer and its partner judged as /peers judges them, so that both show the same marks.
    const now = Date.now();
    const judged = { ...view, ...this.liveness(view, stream, now), disputed: disputed.get(stream) ?? null };
    const judgedPartner =
      partner === null || partnerStream === null
        ? undefined
        : {
            ...partner,
            ...this.liveness(partner, partnerStream, now),
            disputed: disputed.get(partnerStream) ?? null,
          };
    return { ...judged, waitingOn: waitingOn(view, partner), splitBrain: splitBrain(judged, judgedPartner) };
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

type Judged = Omit<PeerView, 'status'> & {
  readonly status: LiveStatus;
  readonly disputed: DisputeMark | null;
};

/** Both up, neither disputed, and scopes served by both: a split brain, whatever their states. */
function splitBrain(view: Judged, partner: Judged | undefined): SplitBrainMark | null {
  if (partner === undefined || view.status !== 'up' || partner.status !== 'up') return null;
  if (view.disputed !== null || partner.disputed !== null) return null;
  const scopes = view.scopes.filter((scope) => partner.scopes.includes(scope));
  if (scopes.length === 0) return null;
  const since = [view.stateSince, partner.stateSince]
    .filter((at): at is string => at !== null)
    .reduce<string | null>((later, at) => (later === null || at > later ? at : later), null);
  return { partner: partner.peer, scopes, since };
}

function waitingOn(
  view: Pick<PeerView, 'paused' | 'state'>,
  partner: Pick<PeerView, 'paused' | 'peer' | 'state'> | null | undefined,
): FleetPeer['waitingOn'] {
  if (partner == null || view.paused || !partner.paused || !HELD_BY_PARTNER.has(view.state)) return null;
  return { peer: partner.peer, pausedIn: partner.state };
}
