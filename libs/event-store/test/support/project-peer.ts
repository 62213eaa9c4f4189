import type { PeerView, StoredEvent, TransitionRecord } from '../../src';
import { PeerFold } from '../../src';

/** Folds a peer's stored events from the start: its view and its whole transition history (the reference the indexed history is checked against). */
export function projectPeer(
  stream: string,
  events: readonly StoredEvent[],
): { view: PeerView | null; history: TransitionRecord[] } {
  const fold = new PeerFold(stream);
  const history: TransitionRecord[] = [];
  for (const stored of events) {
    const record = fold.apply(stored);
    if (record !== null) history.push(record);
  }
  // Judged as of its last event, as a view at that time is.
  const last = events[events.length - 1];
  return { view: fold.view(last === undefined ? 0 : Date.parse(last.at)), history };
}
