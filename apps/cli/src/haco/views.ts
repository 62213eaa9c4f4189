/**
 * What the CLI reads of the coordinator's answers: the projections' own types (type-only, so the CLI loads
 * none of the store to use them; the API document has the same shapes).
 */
export type { PeerView, HistoryRecord as Transition } from '@haco/event-store';

export function write(text: string): void {
  process.stdout.write(`${text}\n`);
}
