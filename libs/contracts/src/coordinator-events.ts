/**
 * Events the coordinator itself writes, in its own stream: operator commands and their outcomes. They
 * share the envelope (and the one catalogue of names) with the peers' events.
 */
export const COORDINATOR_EVENT_TYPES = [
  'CommandIssued',
  'CommandRefused',
  'CommandCompleted',
  'CommandFailed',
] as const;
export type CoordinatorEventType = (typeof COORDINATOR_EVENT_TYPES)[number];

/** The coordinator's stream of commands. */
export const COMMANDS_STREAM = '_coordinator/commands';

export interface CommandIssued {
  readonly commandId: string;
  readonly cluster: string;
  readonly peer: string;
  readonly request: { readonly command: string; readonly arguments?: unknown };
  readonly who: string;
  readonly why: string;
  /** For ha-continue: the paused state the operator means to release. */
  readonly guard: string | null;
}

export interface CommandRefused {
  readonly commandId: string;
  readonly reason: string;
}

export interface CommandCompleted {
  readonly commandId: string;
  readonly response: unknown;
}

export interface CommandFailed {
  readonly commandId: string;
  readonly error: string;
}

/** A Kea request may carry the coordinator's command id, so the peer's events link back to the command. */
export const COMMAND_ID_FIELD = 'haco-command-id';

/**
 * A guard on ha-continue: the paused state the operator means to release. Checked by the peer in the same
 * turn as the command, so a stale continue can never release a later pause.
 */
export const GUARD_FIELD = 'haco-guard';

/** The refusal of a guarded command that no longer matches, or null when it may go ahead. */
export function guardRefusal(
  machine: { readonly state: string; readonly paused: boolean },
  guard: unknown,
): { result: number; text: string } | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard !== 'string')
    return { result: 1, text: "'haco-guard' must name the paused state to release" };
  if (machine.paused && machine.state === guard) return null;
  const actual = machine.paused ? `paused in ${machine.state}` : `not paused (in ${machine.state})`;
  return {
    result: 1,
    text: `refused: the guard expects the state machine paused in ${guard}, but it is ${actual}; nothing changed`,
  };
}
