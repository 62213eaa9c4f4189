import type { Trigger } from './triggers';

/**
 * Synchronous exchanges with a peer that Kea's handlers and commands wait for. The pure machine cannot
 * perform them: it requests one, suspends, and resumes when the outcome is fed back as an input.
 */
export type PartnerCall =
  | { readonly kind: 'lease-sync'; readonly serverName: string; readonly maxPeriodSeconds: number | null }
  | { readonly kind: 'send-lease-backlog' }
  | { readonly kind: 'ha-reset' }
  | { readonly kind: 'maintenance-notify'; readonly cancel: boolean };

export type PartnerCallKind = PartnerCall['kind'];

/**
 * How a peer call ended. `transportFailed`: no answer at all (connection refused, timeout).
 * Otherwise `result` and `text` are the peer's answer, bare 401/403 maps already mapped to code 1.
 */
export type PartnerCallOutcome =
  | { readonly transportFailed: true; readonly error: string }
  | { readonly transportFailed: false; readonly result: number; readonly text: string };

/** Where to go on once the outcome of the pending call is known. */
export type CallContinuation =
  | { readonly kind: 'syncing-handler'; readonly cascade: boolean; readonly trigger: Trigger }
  | { readonly kind: 'recovery-handler'; readonly cascade: boolean; readonly trigger: Trigger }
  | { readonly kind: 'command'; readonly commandId: string; readonly command: string };

export interface PendingPartnerCall {
  readonly call: PartnerCall;
  readonly continuation: CallContinuation;
}

export function callSucceeded(outcome: PartnerCallOutcome): boolean {
  return !outcome.transportFailed && (outcome.result === 0 || outcome.result === 3);
}

/** Kea's wording for a failed peer exchange: the transport error, or "<text>, error code <n>". */
export function describeCallFailure(outcome: PartnerCallOutcome): string {
  return outcome.transportFailed ? outcome.error : `${outcome.text}, error code ${outcome.result}`;
}
