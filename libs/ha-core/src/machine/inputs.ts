import type { HaConfig } from '../config/types';
import type { HeartbeatResult } from '../observe/heartbeat-answer';
import type { HookCompletedEvent, RestartKind } from './events';
import type { CommunicationView } from '../observe/communication-view';
import type { PartnerCallOutcome } from './partner-calls';

/**
 * What the world tells the state machine. Every input carries the time it happened (`at`, ms since the
 * epoch) because the machine has no clock of its own.
 */
export type HaInput =
  /** A new HA service (process start or successful reconfiguration); `restart` says how the last run ended. */
  | { readonly type: 'start'; readonly at: number; readonly config: HaConfig; readonly restart?: RestartKind }
  /** The peer's process is stopping cleanly; `reason` says why (a signal). */
  | { readonly type: 'stop'; readonly at: number; readonly reason: string }
  /** A heartbeat to the partner completed, well or not; communication as measured at that moment. */
  | {
      readonly type: 'heartbeat-completed';
      readonly at: number;
      readonly result: HeartbeatResult;
      readonly communication?: CommunicationView;
    }
  /** All lease updates for one DHCP query were acknowledged or failed. */
  | {
      readonly type: 'lease-updates-completed';
      readonly at: number;
      readonly partnerFailed: boolean;
      readonly communication?: CommunicationView;
    }
  /** Failure-detection counters moved (no handler runs on this alone). */
  | {
      readonly type: 'communication-observed';
      readonly at: number;
      readonly communication: CommunicationView;
    }
  /** The DHCP server produced `count` lease changes that HA must send, queue or skip. */
  | { readonly type: 'lease-updates-generated'; readonly at: number; readonly count: number }
  /**
   * A control-channel request (operator or peer). `guard`, when given, is the paused state the operator
   * means to release: the command is refused, and answered so, unless the machine is paused there.
   */
  | {
      readonly type: 'command';
      readonly at: number;
      readonly commandId: string;
      readonly request: unknown;
      readonly guard?: unknown;
    }
  /** The outcome of the peer call the machine is waiting for. */
  | { readonly type: 'partner-call-completed'; readonly at: number; readonly outcome: PartnerCallOutcome }
  /** One run of an operator's hook ended (or was dropped): recorded as it is, whatever the machine does. */
  | { readonly type: 'hook-completed'; readonly at: number; readonly run: Omit<HookCompletedEvent, 'type'> };

export type HaInputType = HaInput['type'];
