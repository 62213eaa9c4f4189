import type { KeaResponse } from '../kea/kea-response';
import { KEA_RESULT } from '../kea/kea-response';
import type { HaMachineState } from './machine-state';

/**
 * Where a guard refusal says so in its answer: an operator tool tells a refused guard from any other
 * error by this key in the answer's arguments, never by the wording of its text.
 */
export const GUARD_REFUSAL_KEY = 'haco-refused';

/**
 * A guard on a command (ha-continue above all): the paused state the operator means to release. It is
 * decided in the same turn as the command, so a stale continue can never release a later pause.
 * Returns the refusal to answer with, or null when the command may go ahead.
 */
export function guardRefusal(
  machine: Pick<HaMachineState, 'state' | 'paused'>,
  guard: unknown,
): KeaResponse | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard !== 'string') {
    return refusal("'haco-guard' must name the paused state to release", guard, machine);
  }
  if (machine.paused && machine.state === guard) return null;
  const actual = machine.paused ? `paused in ${machine.state}` : `not paused (in ${machine.state})`;
  return refusal(
    `refused: the guard expects the state machine paused in ${guard}, but it is ${actual}; nothing changed`,
    guard,
    machine,
  );
}

/** True when the answer is a guard's refusal (see GUARD_REFUSAL_KEY). */
export function isGuardRefusal(response: KeaResponse | null | undefined): boolean {
  const args = response?.arguments;
  return (
    typeof args === 'object' &&
    args !== null &&
    (args as Record<string, unknown>)[GUARD_REFUSAL_KEY] === 'guard'
  );
}

function refusal(
  text: string,
  guard: unknown,
  machine: Pick<HaMachineState, 'state' | 'paused'>,
): KeaResponse {
  return {
    result: KEA_RESULT.error,
    text,
    arguments: { [GUARD_REFUSAL_KEY]: 'guard', guard, state: machine.state, paused: machine.paused },
  };
}
