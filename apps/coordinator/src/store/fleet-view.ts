import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, PeerView, Projections } from '@haco/event-store';
import { streamId } from '@haco/contracts';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';

/** A stream whose places are claimed twice: its state is not a fact until an admin settles it. */
export interface DisputeMark {
  readonly count: number;
  readonly firstSeq: number;
}

export type FleetPeer = PeerView & { readonly disputed: DisputeMark | null };

/**
 * The peers as everything that shows them reads them (the API, health, metrics, Kea's status-get): the
 * folded views, each marked when its stream is disputed, so that no reader shows a disputed state as fact.
 */
@Injectable()
export class FleetView {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async peers(): Promise<FleetPeer[]> {
    const [views, disputed] = await Promise.all([this.projections.peers(), this.store.disputedStreams()]);
    return views.map((view) => ({
      ...view,
      disputed: disputed.get(streamId(view.cluster, view.peer)) ?? null,
    }));
  }

  async peer(stream: string, at?: string): Promise<FleetPeer | null> {
    const view = await this.projections.peer(stream, at);
    if (view === null) return null;
    return { ...view, disputed: (await this.store.disputedStreams()).get(stream) ?? null };
  }
}
