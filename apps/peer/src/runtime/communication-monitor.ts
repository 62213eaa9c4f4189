import { Inject, Injectable } from '@nestjs/common';
import type { AnalysedQuery, CommunicationView } from '@haco/ha-core';
import { CommunicationTracker } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import type { Clock } from '../ports/clock';
import { CLOCK, PEER_SETTINGS } from '../ports/tokens';

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
    this.tracker = CommunicationTracker.startedAt(clock.now());
  }

  partnerAnswered(at: number): void {
    this.tracker = this.tracker.partnerAnswered(at);
  }

  clientQueryNotServed(query: AnalysedQuery, at: number): void {
    this.tracker = this.tracker.queryNotServed(query, at, this.settings.ha);
  }

  view(at: number): CommunicationView {
    return this.tracker.view(at, this.settings.ha);
  }
}
