import { decide } from './decide';
import type { DecideOptions } from './decide';
import type { HaEvent } from './machine/events';
import { evolve } from './machine/evolve';
import type { HaInput } from './machine/inputs';
import type { HaMachineState } from './machine/machine-state';

/**
 * The live state machine of one peer: feeds inputs to `decide`, keeps the resulting state and hands back
 * the events to publish. It holds nothing that is not in those events.
 */
export class HaService {
  private machine: HaMachineState | null = null;

  constructor(private readonly options: DecideOptions = {}) {}

  get state(): HaMachineState | null {
    return this.machine;
  }

  handle(input: HaInput): HaEvent[] {
    const events = decide(this.machine, input, this.options);
    for (const event of events) this.machine = evolve(this.machine, event);
    return events;
  }
}
