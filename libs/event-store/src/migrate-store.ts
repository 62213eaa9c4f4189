import type { EventEnvelope } from '@haco/contracts';
import type { EventStore, StoredEvent } from './event-store';
import { isPeerStream, PeerFold } from './projections/peer-view.projection';
import { streamPages } from './stream-pages';
import { verifyStoredStream } from './verify-stored-stream';

export interface CopyProgress {
  readonly copied: number;
  readonly total: number;
}

export interface CopyReport {
  /** Events already in the target when this run began (a resumed copy), and copied by this run. */
  readonly resumedAfter: number;
  readonly copied: number;
  readonly heldBack: number;
  readonly deadLetters: number;
  readonly streams: readonly StreamComparison[];
  readonly verified: boolean;
}

export interface StreamComparison {
  readonly stream: string;
  readonly events: number;
  /** Replay of the copy re-decides every decision as recorded. */
  readonly replayVerified: boolean;
  /** Folding the copy gives the peer the same state, pause and history count as folding the original. */
  readonly sameView: boolean;
}

const PAGE = 5_000;

const envelopeOf = (stored: StoredEvent): EventEnvelope => {
  const { position, recordedAt, ...envelope } = stored;
  void [position, recordedAt];
  return envelope as unknown as EventEnvelope;
};

/**
 * Copies an event log into another store (SQLite to PostgreSQL, say) through the target's own write path,
 * in log order, a page per transaction, each event with the time it was first recorded: the target's
 * history rows and stream heads are its own writer's. Resumable: a target holding a prefix of the source
 * (an interrupted copy) goes on after it; a target holding anything else is refused. Then every stream is
 * verified by replay and folded on both sides.
 */
export async function copyEventLog(
  source: EventStore,
  target: EventStore,
  onProgress: (progress: CopyProgress) => void = () => undefined,
): Promise<CopyReport> {
  const total = await source.countEvents();
  const resumedAfter = await target.countEvents();
  let after = await resumePosition(source, target, resumedAfter);
  let copied = 0;
  for (;;) {
    const page = await source.readAfter(after, PAGE);
    if (page.length === 0) break;
    await target.copyIn(
      page.map((stored) => ({ envelope: envelopeOf(stored), recordedAt: stored.recordedAt })),
    );
    copied += page.length;
    after = page[page.length - 1].position;
    onProgress({ copied: resumedAfter + copied, total });
  }
  const heldBack = await copyHeldBack(source, target);
  // Dead letters are copied once, by the run that finishes the events (a resumed run finds them there).
  const deadLetters = (await target.deadLetters(1)).length === 0 ? await copyDeadLetters(source, target) : 0;
  const streams: StreamComparison[] = [];
  for (const head of await source.streams()) {
    if (!isPeerStream(head.stream)) continue;
    streams.push(await compareStream(source, target, head.stream));
  }
  const counts = (await target.countEvents()) === total;
  return {
    resumedAfter,
    copied,
    heldBack,
    deadLetters,
    streams,
    verified: counts && streams.every((s) => s.replayVerified && s.sameView),
  };
}

/** Where in the source the target's copy ends: the source position of the target's last event. */
async function resumePosition(source: EventStore, target: EventStore, inTarget: number): Promise<number> {
  if (inTarget === 0) return 0;
  const [last] = await target.lastEvents(1);
  const inSource = last === undefined ? [] : await source.byId(last.id);
  const prefix = inSource.length === 1 ? await source.countUpTo(inSource[0].position) : -1;
  if (prefix !== inTarget)
    throw new Error(
      `the target holds ${inTarget} events that are not the start of this log: copy into an empty store`,
    );
  return inSource[0].position;
}

async function copyHeldBack(source: EventStore, target: EventStore): Promise<number> {
  let held = 0;
  for (const envelope of await source.heldEnvelopes()) {
    const result = await target.append(envelope, envelope.at);
    if (result.outcome === 'held') held += 1;
  }
  return held;
}

async function copyDeadLetters(source: EventStore, target: EventStore): Promise<number> {
  const letters = await source.deadLetters(Number.MAX_SAFE_INTEGER);
  for (const letter of letters.reverse())
    await target.deadLetter(letter.subject, letter.reason, letter.payload, letter.receivedAt);
  return letters.length;
}

async function compareStream(
  source: EventStore,
  target: EventStore,
  stream: string,
): Promise<StreamComparison> {
  const report = await verifyStoredStream(target, stream);
  const [a, b] = await Promise.all([foldWhole(source, stream), foldWhole(target, stream)]);
  return {
    stream,
    events: b.events,
    replayVerified: report.divergence === null,
    sameView: a.events === b.events && JSON.stringify(a.view) === JSON.stringify(b.view),
  };
}

async function foldWhole(store: EventStore, stream: string) {
  const fold = new PeerFold(stream);
  let events = 0;
  let lastAt = 0;
  for await (const page of streamPages(store, stream)) {
    for (const stored of page) fold.apply(stored);
    events += page.length;
    lastAt = Date.parse(page[page.length - 1].at);
  }
  return { events, view: fold.view(lastAt) };
}
