import type { HaEvent } from './events';
import { evolve } from './evolve';
import type { HaMachineState } from './machine-state';

/**
 * One decision in progress: every event is applied as soon as it is emitted, so the rules that follow
 * see its effect, and the events returned fold to exactly the state the decision ended in.
 */
export class Decision {
  readonly events: HaEvent[] = [];

  constructor(
    private current: HaMachineState,
    /** The time the input arrived (ms since the epoch), passed in: the machine reads no clock. */
    readonly at: number,
  ) {}

  get state(): HaMachineState {
    return this.current;
  }

  emit(event: HaEvent): void {
    this.events.push(event);
    this.current = evolve(this.current, event);
  }
}
