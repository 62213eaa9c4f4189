import type { Decision } from './decision';
import type { CallContinuation, PartnerCall, PartnerCallOutcome } from './partner-calls';
import { resumeRule, runHandler } from './state-rules';
import type { HandlerOutcome } from './transition';
import type { Trigger } from './triggers';

/** No Kea state cascade is longer than a handful of steps; more means a bug, never a valid run. */
const MAX_CASCADE = 32;

/**
 * 'cascade' is production's run loop: after a transition the new state's handler runs at once, with the
 * same event, until one stays (spec 1.3). 'single' is one handler only: commands, and Kea's unit tests.
 */
export type RunMode = 'cascade' | 'single';

export function runModel(d: Decision, trigger: Trigger, mode: RunMode): HandlerOutcome {
  let current = trigger;
  for (let step = 0; step < MAX_CASCADE; step += 1) {
    const outcome = runHandler(d, current, mode === 'cascade');
    if (outcome !== 'transition' || mode === 'single') return outcome;
    current = cascadeTrigger(current);
  }
  throw new Error(`state machine did not settle within ${MAX_CASCADE} transitions`);
}

/** Finishes the handler rule that was waiting for a peer call, then goes on as the run would have. */
export function resumeHandler(
  d: Decision,
  call: PartnerCall,
  continuation: Exclude<CallContinuation, { kind: 'command' }>,
  outcome: PartnerCallOutcome,
): HandlerOutcome {
  const result = resumeRule(d, call, continuation, outcome);
  return result === 'transition' && continuation.cascade
    ? runModel(d, cascadeTrigger(continuation.trigger), 'cascade')
    : result;
}

/** Kea posts the run's own event on every transition, so later handlers see it rather than a one-off. */
function cascadeTrigger(trigger: Trigger): Trigger {
  return trigger === 'synced-partner-unavailable' ? 'heartbeat-complete' : trigger;
}
