import { assertNever } from '../assert-never';
import { isDeepStrictEqual } from './deep-equal';
import { decide } from '../decide';
import type { HaEvent } from '../machine/events';
import { evolve } from '../machine/evolve';
import type { HaInput } from '../machine/inputs';
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
 * verifyStream fed page by page, so that a stream of any length is verified in the memory of one page.
 * A decision is checked once the next one begins (its events may span pages); the last one at finish.
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
        this.group = [];
      }
      this.group.push(event);
    }
    return this.divergence === null;
  }

  finish(): ReplayReport {
    if (this.divergence === null && this.group.length > 0) this.check(this.group, true);
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
}

/** The input a decision was made on, read back from the events it produced (DESIGN: inputs are events). */
export function inputOf(group: readonly RecordedEvent[], state: HaMachineState | null): HaInput | string {
  const at = group[0].at;
  const events = group.map((r) => r.event);
  const first = events[0];
  const observed = first.type === 'CommunicationObserved' ? first.communication : undefined;
  const afterObservation = observed === undefined ? first : events[1];
  switch (afterObservation?.type) {
    case 'ServiceStarted':
      return {
        type: 'start',
        at,
        config: afterObservation.config,
        ...(afterObservation.restart === undefined ? {} : { restart: afterObservation.restart }),
      };
    case 'ServiceStopped':
      return { type: 'stop', at, reason: afterObservation.reason };
    case 'CommandReceived':
      return {
        type: 'command',
        at,
        commandId: afterObservation.commandId,
        request: requestOf(afterObservation.request),
        ...(afterObservation.guard === undefined ? {} : { guard: afterObservation.guard }),
      };
    case 'PartnerCallCompleted':
      return { type: 'partner-call-completed', at, outcome: afterObservation.outcome };
    case 'HeartbeatSucceeded':
      return {
        type: 'heartbeat-completed',
        at,
        communication: observed ?? state?.communication,
        result: {
          ok: true,
          partnerState: afterObservation.partnerState,
          scopes: afterObservation.partnerScopes,
          unsentUpdateCount: afterObservation.partnerUnsentUpdateCount,
          clockSkewSeconds: afterObservation.clockSkewSeconds,
        },
      };
    case 'HeartbeatFailed':
      return {
        type: 'heartbeat-completed',
        at,
        communication: observed ?? state?.communication,
        result: { ok: false, reason: afterObservation.reason },
      };
    case 'LeaseUpdateQueued':
    case 'LeaseUpdateSkipped':
      return { type: 'lease-updates-generated', at, count: afterObservation.count };
    case 'LeaseUpdatesCompleted':
      return {
        type: 'lease-updates-completed',
        at,
        partnerFailed: afterObservation.partnerFailed,
        communication: observed,
      };
    case 'HookCompleted': {
      const { type: _type, ...run } = afterObservation;
      return { type: 'hook-completed', at, run };
    }
    case undefined:
    case 'CommunicationObserved':
    case 'CommandAnswered':
    case 'DhcpServiceSwitched':
    case 'HeartbeatStarted':
    case 'HeartbeatStopped':
    case 'LeaseBacklogCleared':
    case 'Noted':
    case 'PartnerCallRequested':
    case 'PartnerMarkedUnavailable':
    case 'ScopesServed':
    case 'StateEntered':
    case 'StateMachineContinued':
    case 'StateMachinePaused':
    case 'StateTransitioned':
    case 'SyncCompleteNotified':
    case 'ObservationGap':
      if (observed !== undefined && events.length === 1)
        return { type: 'communication-observed', at, communication: observed };
      return `no input explains a decision starting with ${first.type}`;
    default:
      return assertNever(afterObservation, 'event');
  }
}

/** CommandReceived keeps the request as read; an unreadable one is replayed as the raw value it was. */
function requestOf(request: { command: string; arguments?: unknown }): unknown {
  return request.command === '' ? request.arguments : request;
}
