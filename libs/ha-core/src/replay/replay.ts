import { isDeepStrictEqual } from './deep-equal';
import { decide } from '../decide';
import type { HaEvent } from '../machine/events';
import { evolve } from '../machine/evolve';
import { inputOf } from './input-of';
import type { HaMachineState } from '../machine/machine-state';

/** One stored event with what replay needs of its envelope. */
export interface RecordedEvent {
  readonly seq: number;
  readonly at: number;
  readonly causationId: string | null;
  readonly event: HaEvent;
}

export interface Divergence {
  readonly seq: number;
  readonly reason: string;
  readonly recorded: HaEvent | null;
  readonly replayed: HaEvent | null;
}

export interface ReplayReport {
  readonly events: number;
  readonly decisions: number;
  readonly transitions: number;
  readonly pauses: number;
  readonly continues: number;
  readonly state: HaMachineState | null;
  readonly divergence: Divergence | null;
  /**
   * Events the last decision still has to come: its recorded events agree with replay so far, but the
   * log ends before the rest (a stream read while it is being stored). 0 for a complete log.
   */
  readonly incompleteTail: number;
}

/**
 * Replays a stored stream through the state machine: each decision (the events sharing a causation) is
 * turned back into the input that caused it, decided again from the state the earlier events fold to, and
 * must come out event for event as recorded. The first difference is reported exactly. Pure: no effects.
 */
export function verifyStream(recorded: readonly RecordedEvent[]): ReplayReport {
  const verifier = new StreamVerifier();
  verifier.push(recorded);
  return verifier.finish();
}

/**
 * Where a verification stood after a complete decision: what a replay snapshot keeps, so that a later
 * verification can start there instead of at the stream's first event.
 */
export interface VerifiedPoint {
  /** The seq of the decision's last event. */
  readonly seq: number;
  readonly state: HaMachineState | null;
  readonly observed: boolean;
  readonly events: number;
  readonly decisions: number;
  readonly transitions: number;
  readonly pauses: number;
  readonly continues: number;
}

/**
 * verifyStream fed page by page, so that a stream of any length is verified in the memory of one page.
 * A decision is checked once the next one begins (its events may span pages); the last one at finish.
 * Given a VerifiedPoint, it goes on from there: the events after its seq are what it is fed.
 */
export class StreamVerifier {
  private state: HaMachineState | null = null;
  private events = 0;
  private decisions = 0;
  private readonly counts = { transitions: 0, pauses: 0, continues: 0 };
  private incompleteTail = 0;
  private divergence: Divergence | null = null;
  private group: RecordedEvent[] = [];
  /** The stream is a watched Kea server's (its start says so): its events are folded, not re-decided. */
  private observed = false;
  private lastChecked: VerifiedPoint | null = null;

  /** `onVerified` hears of every point reached, in order (a snapshot check compares each with its own). */
  constructor(
    from: VerifiedPoint | null = null,
    private readonly onVerified: ((point: VerifiedPoint) => void) | null = null,
  ) {
    if (from === null) return;
    this.state = from.state;
    this.observed = from.observed;
    this.events = from.events;
    this.decisions = from.decisions;
    this.counts.transitions = from.transitions;
    this.counts.pauses = from.pauses;
    this.counts.continues = from.continues;
    this.lastChecked = from;
  }

  /** The point after the last decision checked so far (null before the first), to be saved and resumed. */
  get verifiedPoint(): VerifiedPoint | null {
    return this.lastChecked;
  }

  /** True while the stream still verifies: once it diverged, further events change nothing. */
  get verifying(): boolean {
    return this.divergence === null;
  }

  /** The next events of the stream, in seq order (counted, and past a divergence only counted). */
  push(recorded: readonly RecordedEvent[]): boolean {
    for (const event of recorded) {
      this.events += 1;
      if (this.divergence !== null) continue;
      if (this.group.length > 0 && event.causationId !== this.group[0].causationId) {
        this.check(this.group, false);
        if (this.divergence === null) this.mark(this.group, 1);
        this.group = [];
      }
      this.group.push(event);
    }
    return this.divergence === null;
  }

  finish(): ReplayReport {
    if (this.divergence === null && this.group.length > 0) {
      this.check(this.group, true);
      if (this.divergence === null && this.incompleteTail === 0) this.mark(this.group, 0);
    }
    this.group = [];
    return {
      events: this.events,
      decisions: this.decisions,
      ...this.counts,
      state: this.state,
      divergence: this.divergence,
      incompleteTail: this.incompleteTail,
    };
  }

  private check(group: readonly RecordedEvent[], lastGroup: boolean): void {
    const start = group[0].event;
    if (start.type === 'ServiceStarted') this.observed = start.observedBy !== undefined;
    if (this.observed) {
      try {
        this.fold(group);
      } catch (error) {
        const reason = `an observed event does not fold: ${(error as Error).message}`;
        this.divergence = { seq: group[0].seq, reason, recorded: start, replayed: null };
      }
      return;
    }
    const input = inputOf(group, this.state);
    if (typeof input === 'string') {
      this.divergence = { seq: group[0].seq, reason: input, recorded: group[0].event, replayed: null };
      return;
    }
    let replayed: HaEvent[];
    try {
      replayed = decide(this.state, input);
    } catch (error) {
      this.divergence = {
        seq: group[0].seq,
        reason: `the machine refused the input: ${(error as Error).message}`,
        recorded: group[0].event,
        replayed: null,
      };
      return;
    }
    for (let i = 0; i < Math.max(group.length, replayed.length); i += 1) {
      // A log read while it is being stored may end inside its last decision: not a divergence.
      if (lastGroup && i === group.length) {
        this.incompleteTail = replayed.length - group.length;
        break;
      }
      const expected = group[i]?.event ?? null;
      const actual = replayed[i] ?? null;
      if (!isDeepStrictEqual(expected, actual)) {
        this.divergence = {
          seq: group[i]?.seq ?? group[group.length - 1].seq + 1,
          reason:
            expected === null
              ? 'replay decided more than was recorded'
              : actual === null
                ? 'replay decided less than was recorded'
                : 'replay decided differently',
          recorded: expected,
          replayed: actual,
        };
        return;
      }
    }
    this.fold(group);
    this.decisions += 1;
  }

  /** Applies a checked (or observed) group to the state and counts what it holds. */
  private fold(group: readonly RecordedEvent[]): void {
    for (const { event } of group) {
      this.state = evolve(this.state, event);
      if (event.type === 'StateTransitioned' && event.from !== event.to) this.counts.transitions += 1;
      if (event.type === 'StateMachinePaused') this.counts.pauses += 1;
      if (event.type === 'StateMachineContinued') this.counts.continues += 1;
    }
  }

  /** Called once a group is checked and folded: the events counted so far include the pending group. */
  private mark(group: readonly RecordedEvent[], pending: number): void {
    this.lastChecked = {
      seq: group[group.length - 1].seq,
      state: this.state,
      observed: this.observed,
      events: this.events - pending,
      decisions: this.decisions,
      ...this.counts,
    };
    this.onVerified?.(this.lastChecked);
  }
}
