import type { HaState } from '../states';
import type { Decision } from './decision';
import type { TransitionCause } from './events';
import { pauseOnEntry } from './pausing';

export type HandlerOutcome = 'stay' | 'transition' | 'suspend';

/** Kea's verboseTransition: the new state is set at once, with the pause-on-entry rule for it. */
export function transitionTo(d: Decision, to: HaState, cause: TransitionCause): 'transition' {
  const from = d.state.state;
  d.emit({ type: 'StateTransitioned', from, to, partnerState: d.state.partner.state, cause });
  if (from !== to) {
    const pause = pauseOnEntry(d.state);
    if (pause !== null) d.emit(pause);
  }
  return 'transition';
}
