import type { EventEnvelope } from '@haco/contracts';
import type { HaEvent } from '@haco/ha-core';
import { causeText, evolve } from '@haco/ha-core';

/** One change of state as the history lists it. */
export interface TransitionRecord {
  readonly cluster: string;
  readonly peer: string;
  readonly seq: number;
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly partnerState: string;
  /** `rule:<trigger>:<rule>` or `command:<name>`. */
  readonly cause: string;
  readonly commandId: string | null;
  /** How long the peer had been in `from`, when that is known from the log. */
  readonly durationInPreviousMs: number | null;
}

export interface HistoryFilter {
  readonly streams?: readonly string[];
  /** A transition from or to this state. */
  readonly state?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Part of the cause text. */
  readonly cause?: string;
  readonly commandId?: string;
  readonly limit: number;
  readonly offset: number;
}

/** A transition as the writer stores it, beside the event it comes from. */
export type StoredTransition = Omit<TransitionRecord, 'cluster' | 'peer'> & {
  readonly position: number;
  readonly stream: string;
};

/** Whether an event starts the clock of a state: a start, or a transition to a different state. */
export function startsState(envelope: EventEnvelope): boolean {
  if (envelope.type === 'ServiceStarted') return true;
  if (envelope.type !== 'StateTransitioned') return false;
  const data = envelope.data as unknown as HaEventData<'StateTransitioned'>;
  return data.from !== data.to;
}

type HaEventData<T extends HaEvent['type']> = Omit<Extract<HaEvent, { type: T }>, 'type'>;

/**
 * The history row of an event, or null for an event that has none. Besides transitions, the history lists
 * a run's start and clean stop, each pause and continue, and each run of a hook, as rows whose from and to
 * are the state they happened in, told apart by their cause (`started`, `started:after-crash`,
 * `stopped:SIGTERM`, `paused:once`, `continued`, `hook:vip:timed-out`).
 */
export function transitionRow(
  envelope: EventEnvelope,
  position: number,
  stateSince: string | null,
): StoredTransition | null {
  // Called for every stored event (the writer's hot path): nothing is made for the many that have no row.
  switch (envelope.type) {
    case 'StateTransitioned': {
      const data = envelope.data as unknown as HaEventData<'StateTransitioned'>;
      if (data.from === data.to) return null;
      return {
        ...rowBase(envelope, position),
        from: data.from,
        to: data.to,
        partnerState: data.partnerState,
        cause: causeText(data.cause),
        commandId: data.cause.kind === 'command' ? data.cause.commandId : null,
        durationInPreviousMs: stateSince === null ? null : Date.parse(envelope.at) - Date.parse(stateSince),
      };
    }
    case 'ServiceStarted': {
      const data = envelope.data as unknown as HaEventData<'ServiceStarted'>;
      const state = evolve(null, { type: 'ServiceStarted', ...data }).state;
      return rowInState(
        envelope,
        position,
        state,
        data.restart === undefined ? 'started' : `started:${data.restart}`,
        null,
      );
    }
    case 'ServiceStopped': {
      const data = envelope.data as unknown as HaEventData<'ServiceStopped'>;
      return rowInState(envelope, position, data.state, `stopped:${data.reason}`, null);
    }
    case 'StateMachinePaused': {
      const data = envelope.data as unknown as HaEventData<'StateMachinePaused'>;
      return rowInState(envelope, position, data.state, `paused:${data.pause}`, null);
    }
    case 'StateMachineContinued': {
      const data = envelope.data as unknown as HaEventData<'StateMachineContinued'>;
      return rowInState(envelope, position, data.state, 'continued', data.commandId);
    }
    case 'HookCompleted': {
      const data = envelope.data as unknown as HaEventData<'HookCompleted'>;
      return rowInState(envelope, position, data.state, hookCause(data), null);
    }
    default:
      return null;
  }
}

/** `hook:<name>:<outcome>`, with the attempt when it was a retry: `hook:vip:failed:attempt-2`. */
function hookCause(data: HaEventData<'HookCompleted'>): string {
  const retry = data.attempt > 1 ? `:attempt-${data.attempt}` : '';
  return `hook:${data.hook}:${data.outcome}${retry}`;
}

function rowBase(envelope: EventEnvelope, position: number) {
  return { position, stream: envelope.stream, seq: envelope.seq, at: envelope.at };
}

/** A row for what happened in a state without leaving it: a start, a stop, a pause, a continue. */
function rowInState(
  envelope: EventEnvelope,
  position: number,
  state: string,
  cause: string,
  commandId: string | null,
): StoredTransition {
  const row = { from: state, to: state, partnerState: '', cause, commandId, durationInPreviousMs: null };
  return { ...rowBase(envelope, position), ...row };
}

/** The WHERE clause and its parameters for a history filter, every condition on an indexed column. */
export function historyWhere(
  filter: HistoryFilter,
  matchingCauses: readonly string[] = [],
): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.streams !== undefined) {
    conditions.push(`stream IN (${filter.streams.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...filter.streams);
  }
  if (filter.state !== undefined) {
    conditions.push('(to_state = ? OR from_state = ?)');
    params.push(filter.state, filter.state);
  }
  if (filter.sinceMs !== undefined) {
    conditions.push('at_ms >= ?');
    params.push(filter.sinceMs);
  }
  if (filter.untilMs !== undefined) {
    conditions.push('at_ms <= ?');
    params.push(filter.untilMs);
  }
  if (filter.cause !== undefined) {
    // The causes that contain the text, looked up first: with one cause, the (cause, at_ms, seq) index
    // gives the rows already in history order, with no sort of every match.
    conditions.push(
      matchingCauses.length === 0 ? '1 = 0' : `cause IN (${matchingCauses.map(() => '?').join(', ')})`,
    );
    params.push(...matchingCauses);
  }
  if (filter.commandId !== undefined) {
    conditions.push('command_id = ?');
    params.push(filter.commandId);
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

export interface TransitionDbRow {
  position: number;
  stream: string;
  seq: number;
  at: string;
  from_state: string;
  to_state: string;
  partner_state: string;
  cause: string;
  command_id: string | null;
  duration_ms: number | null;
}

/** A peer stream's id, `<cluster>/<peer>`, in its two names. */
export function splitStream(stream: string): { cluster: string; peer: string } {
  const [cluster, peer] = stream.split('/');
  return { cluster, peer };
}

export const fromTransitionDbRow = (r: TransitionDbRow): TransitionRecord => ({
  ...splitStream(r.stream),
  seq: r.seq,
  at: r.at,
  from: r.from_state,
  to: r.to_state,
  partnerState: r.partner_state,
  cause: r.cause,
  commandId: r.command_id,
  durationInPreviousMs: r.duration_ms,
});
