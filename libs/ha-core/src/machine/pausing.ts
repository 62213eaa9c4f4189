import type { HaEventOf } from './events';
import type { HaMachineState } from './machine-state';

/**
 * The pause-on-entry rule (spec 4.3), applied when the state has just changed to a different one:
 * nothing if already paused (a `once` is then not used up), else pause for `always`, or for an unused `once`.
 */
export function pauseOnEntry(machine: HaMachineState): HaEventOf<'StateMachinePaused'> | null {
  if (machine.paused) return null;
  const pause = machine.config.pausing[machine.state];
  if (pause === 'always') return { type: 'StateMachinePaused', state: machine.state, pause };
  if (pause === 'once' && !machine.pauseOnceConsumed.includes(machine.state)) {
    return { type: 'StateMachinePaused', state: machine.state, pause };
  }
  return null;
}
