import type { HaConfig } from '../config/types';
import type { AnalysedQuery, CommunicationTally } from './communication';
import { analyseQuery, communicationView, poke, startTracking } from './communication';
import type { CommunicationView } from './communication-view';

/**
 * Failure detection's running tally as one immutable value for the apps: every method returns a new
 * tracker, and every time is passed in, so the core still reads no clock.
 */
export class CommunicationTracker {
  private constructor(private readonly tally: CommunicationTally) {}

  static startedAt(at: number): CommunicationTracker {
    return new CommunicationTracker(startTracking(at));
  }

  /** The partner answered: the traffic analysis starts over. */
  partnerAnswered(at: number): CommunicationTracker {
    return new CommunicationTracker(poke(this.tally, at));
  }

  /** A client query for a scope this server does not serve. */
  queryNotServed(query: AnalysedQuery, at: number, config: HaConfig): CommunicationTracker {
    return new CommunicationTracker(analyseQuery(this.tally, query, at, config));
  }

  view(at: number, config: HaConfig): CommunicationView {
    return communicationView(this.tally, at, config);
  }
}
