import type { DecideOptions } from '../decide';
import { decide } from '../decide';
import type { HaEvent } from '../machine/events';
import { foldEvents } from '../machine/evolve';
import type { HaInput } from '../machine/inputs';
import { isDeepStrictEqual } from '../replay/deep-equal';

/** What a `then` receives when it checks the decided events itself. */
export type EventsCheck = (events: HaEvent[]) => void;

/**
 * Given the events a stream already holds, when an input arrives, then `decide` answers with these events
 * (or refuses): the shape of Emmett's DeciderSpecification, written here because the core takes no
 * dependencies. Mismatches throw, so any test runner reports them.
 */
export const DeciderSpecification = {
  given(history: readonly HaEvent[], options: DecideOptions = {}) {
    return {
      when(input: HaInput) {
        const decided = (): HaEvent[] =>
          decide(history.length === 0 ? null : foldEvents(history), input, options);
        return {
          then(expected: readonly HaEvent[] | EventsCheck): void {
            const events = decided();
            if (typeof expected === 'function') return expected(events);
            if (!isDeepStrictEqual(events, expected)) {
              throw new Error(
                `decide answered ${JSON.stringify(events)}\n  expected ${JSON.stringify(expected)}`,
              );
            }
          },
          thenThrows(matching?: RegExp): void {
            let events: HaEvent[];
            try {
              events = decided();
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              if (matching !== undefined && !matching.test(message)) {
                throw new Error(`decide threw '${message}', not matching ${String(matching)}`);
              }
              return;
            }
            throw new Error(`decide answered ${JSON.stringify(events)} where it should refuse`);
          },
        };
      },
    };
  },
};
