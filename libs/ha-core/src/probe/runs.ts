import type { HaEvent } from '../machine/events';
import type { HaMachineState } from '../machine/machine-state';
import type { PartnerCallOutcome } from '../machine/partner-calls';
import type { RunMode } from '../machine/run-model';
import type { Trigger } from '../machine/triggers';
import type { CallAnswerer } from './machine-probe';
import { MachineProbe } from './machine-probe';

export interface RunResult {
  readonly machine: HaMachineState;
  readonly events: HaEvent[];
}

const SUCCEEDS: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };

/** Runs the handler(s) for one trigger at time 0, answering every peer call the machine makes. */
export function runFrom(
  machine: HaMachineState,
  mode: RunMode,
  trigger: Trigger = 'heartbeat-complete',
  answer: CallAnswerer = () => SUCCEEDS,
): RunResult {
  const probe = new MachineProbe(machine, 0);
  probe.run(trigger, mode);
  probe.answerCalls(answer);
  return { machine: probe.state, events: [...probe.events] };
}

/** One handler, as Kea's unit tests step it, every peer call succeeding. */
export function stepOnce(machine: HaMachineState, trigger: Trigger = 'heartbeat-complete'): RunResult {
  return runFrom(machine, 'single', trigger);
}
