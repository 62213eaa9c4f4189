/**
 * Events the coordinator itself writes, in its own stream: operator commands and their outcomes. They
 * share the envelope (and the one catalogue of names) with the peers' events.
 */
export const COORDINATOR_EVENT_TYPES = [
  'CommandIssued',
  'CommandRefused',
  'CommandCompleted',
  'CommandFailed',
  'DisputesResolved',
  'ContinueProposed',
  'ContinueApproved',
  'SplitBrainRaised',
  'SplitBrainCleared',
  'ContinuePreviewed',
] as const;
export type CoordinatorEventType = (typeof COORDINATOR_EVENT_TYPES)[number];

/** The coordinator's stream of commands. */
export const COMMANDS_STREAM = '_coordinator/commands';

/** The coordinator's stream of two-person approvals: each proposal to continue, and who approved it. */
export const APPROVALS_STREAM = '_coordinator/approvals';

/** The coordinator's stream of the release previews an operator asked to keep (`dryRun` with `record`). */
export const PREVIEWS_STREAM = '_coordinator/previews';

/** A release previewed and kept on record: who asked, about which peer, and what the preview said. */
export interface ContinuePreviewed {
  readonly cluster: string;
  readonly peer: string;
  readonly who: string;
  readonly why: string;
  readonly preview: unknown;
}

/** The coordinator's stream of split brains it saw: both servers of a pair serving the same scopes at once. */
export const SPLIT_BRAIN_STREAM = '_coordinator/split-brain';

/**
 * Both servers of a relationship, each alive to the coordinator, serve the same scopes at once: a
 * partition between them, not a dead partner. `since` is when the coordinator first saw it.
 */
export interface SplitBrainRaised {
  readonly cluster: string;
  readonly peers: readonly [string, string];
  readonly scopes: readonly string[];
  /** Each server's state when it was seen. */
  readonly states: Readonly<Record<string, string>>;
  readonly since: string;
}

/** The split brain ended: the scopes are served once again (or a server is gone). */
export interface SplitBrainCleared {
  readonly cluster: string;
  readonly peers: readonly [string, string];
  readonly scopes: readonly string[];
  readonly since: string;
  readonly until: string;
  readonly durationMs: number;
}

/** The coordinator's stream of store operations (disputes settled): who did what to the log's records. */
export const STORE_OPERATIONS_STREAM = '_coordinator/store';

export interface CommandIssued {
  readonly commandId: string;
  readonly cluster: string;
  readonly peer: string;
  readonly request: { readonly command: string; readonly arguments?: unknown };
  /** The authenticated caller: a named token's or a JWT's name, never what a body says. */
  readonly who: string;
  /** The caller's role, and how it proved who it is. */
  readonly role?: string;
  readonly via?: string;
  /** A person the caller says it acts for: recorded as said, not authenticated. */
  readonly onBehalfOf?: string | null;
  /** Under the two-person rule: the operator who proposed the continue this one approved. */
  readonly proposedBy?: string;
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

/** An admin settled a stream's open disputes after looking at both sides of each. */
export interface DisputesResolved {
  readonly stream: string;
  readonly count: number;
  readonly who: string;
  readonly why: string;
}

/** A first operator asked to release a pause that needs two: recorded, not yet sent. */
export interface ContinueProposed {
  readonly proposalId: string;
  readonly cluster: string;
  readonly peer: string;
  /** The paused state it would release. */
  readonly state: string;
  readonly who: string;
  readonly why: string;
}

/** A second operator approved a proposal: the continue then goes to the peer as that operator's command. */
export interface ContinueApproved {
  readonly proposalId: string;
  readonly who: string;
  readonly why: string;
}

/** Every event the coordinator writes, as one union: its writer takes nothing else. */
export type CoordinatorEvent =
  | ({ readonly type: 'CommandIssued' } & CommandIssued)
  | ({ readonly type: 'CommandRefused' } & CommandRefused)
  | ({ readonly type: 'CommandCompleted' } & CommandCompleted)
  | ({ readonly type: 'CommandFailed' } & CommandFailed)
  | ({ readonly type: 'DisputesResolved' } & DisputesResolved)
  | ({ readonly type: 'ContinueProposed' } & ContinueProposed)
  | ({ readonly type: 'ContinueApproved' } & ContinueApproved);

/** The events of the commands stream: a command and its outcome. */
export type CommandEvent = Exclude<
  CoordinatorEvent,
  { readonly type: 'DisputesResolved' | 'ContinueProposed' | 'ContinueApproved' }
>;

/** A Kea request may carry the coordinator's command id, so the peer's events link back to the command. */
export const COMMAND_ID_FIELD = 'haco-command-id';

/**
 * A guard on ha-continue: the paused state the operator means to release. Checked by the peer in the same
 * turn as the command, so a stale continue can never release a later pause.
 */
export const GUARD_FIELD = 'haco-guard';
