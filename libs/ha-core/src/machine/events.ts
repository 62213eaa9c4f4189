import type { HaConfig, PauseMode } from '../config/types';
import type { HaState, PartnerState } from '../states';
import type { KeaResponse } from '../kea/kea-response';
import type { CommunicationView } from '../observe/communication-view';
import type { CallContinuation, PartnerCall, PartnerCallOutcome } from './partner-calls';
import type { Trigger } from './triggers';

/**
 * The one catalogue of event names: the peer's event log, its application log lines and the
 * coordinator's store all use these names.
 */
export const HA_EVENT_TYPES = [
  'ServiceStarted',
  'CommunicationObserved',
  'HeartbeatSucceeded',
  'HeartbeatFailed',
  'PartnerMarkedUnavailable',
  'LeaseUpdatesCompleted',
  'StateTransitioned',
  'StateMachinePaused',
  'StateMachineContinued',
  'StateEntered',
  'HeartbeatStarted',
  'HeartbeatStopped',
  'ScopesServed',
  'DhcpServiceSwitched',
  'LeaseUpdateSkipped',
  'LeaseUpdateQueued',
  'LeaseBacklogCleared',
  'SyncCompleteNotified',
  'PartnerCallRequested',
  'PartnerCallCompleted',
  'CommandReceived',
  'CommandAnswered',
  'Noted',
  'ServiceStopped',
  'ObservationGap',
  'HookCompleted',
] as const;

export type HaEventType = (typeof HA_EVENT_TYPES)[number];

/** How a service started again: the peer's previous run ended in a clean stop, or did not (a crash). */
export type RestartKind = 'after-clean-stop' | 'after-crash';

/**
 * Why a state changed: a handler rule reacting to a trigger, an operator or peer command, or, in the
 * stream of a real Kea server that haco only watches, what was observed and where (`backfilled` when it
 * was read from Kea's log after a time the watcher was not watching).
 */
export type TransitionCause =
  | { readonly kind: 'rule'; readonly trigger: Trigger; readonly rule: string }
  | { readonly kind: 'command'; readonly command: string; readonly commandId: string }
  | {
      readonly kind: 'observed';
      readonly source: ObservationSource;
      readonly backfilled?: boolean;
      /** The shadow check found no rule or command that could have made it (see transitionExplained). */
      readonly unexplained?: boolean;
    };

/** Where a watcher saw what a real Kea server did: its HA log lines, or its status-get answers. */
export type ObservationSource = 'kea-log' | 'status-get';

/** A cause as the history lists and filters it: `rule:<trigger>:<rule>` or `command:<name>`. */
export function causeText(cause: {
  readonly kind: string;
  readonly trigger?: string;
  readonly rule?: string;
  readonly command?: string;
  readonly source?: string;
  readonly backfilled?: boolean;
  readonly unexplained?: boolean;
}): string {
  if (cause.kind === 'observed') {
    const marks = [
      cause.backfilled === true ? ':backfilled' : '',
      cause.unexplained === true ? ':unexplained' : '',
    ];
    return `observed:${cause.source}${marks.join('')}`;
  }
  return cause.kind === 'rule' ? `rule:${cause.trigger}:${cause.rule}` : `command:${cause.command}`;
}

export interface CommandRequest {
  readonly command: string;
  readonly arguments?: unknown;
}

/** Log-only decisions (warnings and reminders) that change nothing but belong to the audit trail. */
export type NoteId =
  | 'HA_INVALID_PARTNER_STATE_COMMUNICATION_RECOVERY'
  | 'HA_INVALID_PARTNER_STATE_HOT_STANDBY'
  | 'HA_INVALID_PARTNER_STATE_LOAD_BALANCING'
  | 'HA_TERMINATED_RESTART_PARTNER'
  | 'HA_HIGH_CLOCK_SKEW'
  | 'HA_LEASES_BACKLOG_NOTHING_TO_SEND';

export type HaEvent =
  | {
      readonly type: 'ServiceStarted';
      readonly config: HaConfig;
      /** Set when the peer ran before: after its own clean stop, or after a crash (its log ended without one). */
      readonly restart?: RestartKind;
      /**
       * Set in the stream of a real Kea server that haco watches rather than runs: who observes it. Its
       * events are observations, folded like a peer's but never re-decided by replay.
       */
      readonly observedBy?: string;
    }
  /**
   * In a watched Kea server's stream: nobody watched it from `from` to `to` (ISO times; the watcher was
   * down). What its log shows for that time follows, marked backfilled.
   */
  | { readonly type: 'ObservationGap'; readonly from: string; readonly to: string }
  /** The peer's process stopped cleanly (a signal, an operator): nothing is decided after it. */
  | { readonly type: 'ServiceStopped'; readonly reason: string; readonly state: HaState }
  | { readonly type: 'CommunicationObserved'; readonly communication: CommunicationView }
  | {
      readonly type: 'HeartbeatSucceeded';
      readonly partnerState: HaState;
      readonly partnerScopes: readonly string[];
      readonly partnerUnsentUpdateCount: number | null;
      readonly clockSkewSeconds: number;
    }
  | { readonly type: 'HeartbeatFailed'; readonly reason: string }
  | { readonly type: 'PartnerMarkedUnavailable'; readonly reason: string }
  /** All lease updates for one DHCP query were answered; a failure towards the partner marks it unavailable. */
  | { readonly type: 'LeaseUpdatesCompleted'; readonly partnerFailed: boolean }
  | {
      readonly type: 'StateTransitioned';
      readonly from: HaState;
      readonly to: HaState;
      readonly partnerState: PartnerState;
      readonly cause: TransitionCause;
    }
  | {
      readonly type: 'StateMachinePaused';
      readonly state: HaState;
      readonly pause: Exclude<PauseMode, 'never'>;
    }
  | { readonly type: 'StateMachineContinued'; readonly state: HaState; readonly commandId: string }
  | {
      readonly type: 'StateEntered';
      readonly state: HaState;
      readonly scopes: readonly string[];
      readonly dhcpEnabled: boolean;
      readonly paused: boolean;
      readonly byMaintenance: boolean;
    }
  | { readonly type: 'HeartbeatStarted' }
  | { readonly type: 'HeartbeatStopped' }
  | { readonly type: 'ScopesServed'; readonly scopes: readonly string[]; readonly commandId: string }
  | { readonly type: 'DhcpServiceSwitched'; readonly enabled: boolean; readonly reason: string }
  | { readonly type: 'LeaseUpdateSkipped'; readonly count: number }
  | { readonly type: 'LeaseUpdateQueued'; readonly count: number }
  | { readonly type: 'LeaseBacklogCleared' }
  | { readonly type: 'SyncCompleteNotified'; readonly remembered: boolean }
  | {
      readonly type: 'PartnerCallRequested';
      readonly call: PartnerCall;
      readonly continuation: CallContinuation;
    }
  | {
      readonly type: 'PartnerCallCompleted';
      readonly call: PartnerCall;
      readonly outcome: PartnerCallOutcome;
    }
  | {
      readonly type: 'CommandReceived';
      readonly commandId: string;
      readonly request: CommandRequest;
      /** The guard the command came with (absent when none): replay decides it again. */
      readonly guard?: unknown;
    }
  | {
      readonly type: 'CommandAnswered';
      readonly commandId: string;
      readonly command: string;
      /** null where Kea 2.2.0 closes the connection without answering; `failure` says why. */
      readonly response: KeaResponse | null;
      readonly failure?: string;
    }
  | { readonly type: 'Noted'; readonly note: NoteId; readonly at: number; readonly detail?: string }
  /**
   * One run of an operator's hook (an executable or a local HTTP POST) on an event of this stream: an
   * observation of the outside world, recorded so that history shows what the hooks did. It decides nothing.
   */
  | {
      readonly type: 'HookCompleted';
      readonly hook: string;
      readonly trigger: HookTrigger;
      /** The state the peer was in when the triggering event happened. */
      readonly state: HaState;
      /** The seq of the event the hook ran on. */
      readonly onSeq: number;
      /** 1 for the first run, then one more for each retry. */
      readonly attempt: number;
      readonly outcome: HookOutcome;
      /** The executable's exit status or the HTTP status; null when it never ended or never answered. */
      readonly status: number | null;
      readonly durationMs: number;
      /** The first lines of what it wrote (stdout then stderr) or answered. */
      readonly output: string;
    };

/** What a peer's hooks run on (docs/operations.md, callbacks). */
export type HookTrigger =
  'state-entered' | 'paused' | 'continued' | 'dhcp-enabled' | 'dhcp-disabled' | 'scopes-changed';

/** How one run of a hook ended: `dropped` when its queue was full and it never ran. */
export type HookOutcome = 'ok' | 'failed' | 'timed-out' | 'dropped';

export type HookCompletedEvent = Extract<HaEvent, { type: 'HookCompleted' }>;

export type HaEventOf<T extends HaEventType> = Extract<HaEvent, { type: T }>;

export function isHaEventType(value: unknown): value is HaEventType {
  return typeof value === 'string' && (HA_EVENT_TYPES as readonly string[]).includes(value);
}
