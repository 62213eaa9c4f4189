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

/** Every event the coordinator writes, as one union: its writer takes nothing else. */
export type CoordinatorEvent =
  | ({ readonly type: 'CommandIssued' } & CommandIssued)
  | ({ readonly type: 'CommandRefused' } & CommandRefused)
  | ({ readonly type: 'CommandCompleted' } & CommandCompleted)
  | ({ readonly type: 'CommandFailed' } & CommandFailed);

/** A Kea request may carry the coordinator's command id, so the peer's events link back to the command. */
export const COMMAND_ID_FIELD = 'haco-command-id';

/**
 * A guard on ha-continue: the paused state the operator means to release. Checked by the peer in the same
 * turn as the command, so a stale continue can never release a later pause.
 */
export const GUARD_FIELD = 'haco-guard';
