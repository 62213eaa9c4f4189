import type { HaEvent, RecordedEvent } from '../src';
import { causeText } from '../src';
import { foldEvents } from '../src/probe';
import { verifyStream } from '../src/probe';
import { haConfig } from './support';

const config = haConfig('load-balancing', 'primary', {
  'state-machine': { states: [{ state: 'ready', pause: 'once' }] },
});
const observed = { kind: 'observed', source: 'kea-log' } as const;

/** A watched Kea server's stream: what a watcher saw, one observation a line. */
function stream(observedBy?: string): RecordedEvent[] {
  const events: HaEvent[] = [
    { type: 'ServiceStarted', config, ...(observedBy === undefined ? {} : { observedBy }) },
    { type: 'StateTransitioned', from: 'waiting', to: 'ready', partnerState: 'ready', cause: observed },
    { type: 'StateMachinePaused', state: 'ready', pause: 'once' },
    { type: 'StateMachineContinued', state: 'ready', commandId: 'c1' },
    {
      type: 'StateTransitioned',
      from: 'ready',
      to: 'load-balancing',
      partnerState: 'ready',
      cause: observed,
    },
  ];
  return events.map((event, index) => ({
    seq: index + 1,
    at: index * 1000,
    causationId: `obs-${index}`,
    event,
  }));
}

describe('the stream of a watched Kea server', () => {
  it('folds to the observed state and verifies without being re-decided', () => {
    const report = verifyStream(stream('kea-watch/site-a'));
    expect(report.divergence).toBeNull();
    expect(report).toMatchObject({ transitions: 2, pauses: 1, continues: 1 });
    expect(foldEvents(stream('kea-watch/site-a').map((r) => r.event))).toMatchObject({
      state: 'load-balancing',
      paused: false,
    });
  });

  it('is re-decided, and diverges, when its start does not say it is observed', () => {
    expect(verifyStream(stream()).divergence).not.toBeNull();
  });

  it('names its causes by where they were seen', () => {
    expect(causeText(observed)).toBe('observed:kea-log');
    expect(causeText({ kind: 'observed', source: 'kea-log', backfilled: true })).toBe(
      'observed:kea-log:backfilled',
    );
  });
});
