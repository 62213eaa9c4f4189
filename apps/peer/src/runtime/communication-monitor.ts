import { Inject, Injectable } from '@nestjs/common';
import type { AnalysedQuery, CommunicationTracker, CommunicationView } from '@haco/ha-core';
import { analyseQuery, communicationView, poke, startTracking } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import type { Clock } from './clock';
import { CLOCK, PEER_SETTINGS } from './tokens';

/**
 * Failure detection's measurements on the real clock (spec 1.5): when the partner last answered, and the
 * clients it seems to leave unanswered. The pure core computes; this keeps the running tally.
 */
@Injectable()
export class CommunicationMonitor {
  private tracker: CommunicationTracker;

  constructor(
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.tracker = startTracking(clock.now());
  }

  partnerAnswered(at: number): void {
    this.tracker = poke(this.tracker, at);
  }

  clientQueryNotServed(query: AnalysedQuery, at: number): void {
    this.tracker = analyseQuery(this.tracker, query, at, this.settings.ha);
  }

  view(at: number): CommunicationView {
    return communicationView(this.tracker, at, this.settings.ha);
  }
}
