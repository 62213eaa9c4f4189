/**
 * What the CLI reads of the coordinator's answers: the projections' own types (type-only, so the CLI loads
 * none of the store to use them; the API document has the same shapes).
 */
import type { PeerView as FoldedPeerView } from '@haco/event-store';
export type { HistoryRecord as Transition } from '@haco/event-store';

/** A peer as /peers answers it: the folded view, marked while another event claims a place in its stream. */
export type PeerView = FoldedPeerView & {
  readonly disputed?: { readonly count: number; readonly firstSeq: number } | null;
  /** Running, but held by its partner's pause. */
  readonly waitingOn?: { readonly peer: string; readonly pausedIn: string } | null;
  /** Both up and serving the same scopes as its partner. */
  readonly splitBrain?: { readonly partner: string; readonly scopes: readonly string[] } | null;
};

export function write(text: string): void {
  process.stdout.write(`${text}\n`);
}
