import type { HaEvent } from '../src';
import { decide } from '../src';
import { DeciderSpecification } from '../src/probe';
import { haConfig } from './support';

const pausing = (waiting: string) => ({
  'state-machine': { states: [{ state: 'waiting', pause: waiting }] },
});
const config = haConfig('load-balancing', 'primary', pausing('once'));
const started = decide(null, { type: 'start', at: 0, config });

describe('the decider, given events, when an input, then events', () => {
  it('given nothing, when the service starts paused in waiting, then it records the pause', () => {
    DeciderSpecification.given([])
      .when({ type: 'start', at: 0, config })
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual([
          'ServiceStarted',
          'StateMachinePaused',
          'StateEntered',
          'HeartbeatStarted',
        ]);
      });
  });

  it('given a paused start, when ha-continue arrives, then it is received, released and answered', () => {
    const continueCommand = { command: 'ha-continue' };
    const expected: HaEvent[] = [
      { type: 'CommandReceived', commandId: 'c1', request: continueCommand },
      { type: 'StateMachineContinued', state: 'waiting', commandId: 'c1' },
      {
        type: 'CommandAnswered',
        commandId: 'c1',
        command: 'ha-continue',
        response: { result: 0, text: 'HA state machine continues.' },
      },
    ];
    DeciderSpecification.given(started)
      .when({ type: 'command', at: 5, commandId: 'c1', request: continueCommand })
      .then(expected);
  });

  it('fails when the decided events differ from the expected ones', () => {
    expect(() =>
      DeciderSpecification.given(started)
        .when({ type: 'command', at: 5, commandId: 'c1', request: { command: 'ha-continue' } })
        .then([]),
    ).toThrow(/expected \[\]/);
  });

  it('given nothing, when anything but a start arrives, then decide refuses', () => {
    DeciderSpecification.given([])
      .when({ type: 'lease-updates-generated', at: 1, count: 1 })
      .thenThrows(/has not started/);
    expect(() =>
      DeciderSpecification.given(started)
        .when({ type: 'lease-updates-generated', at: 1, count: 1 })
        .thenThrows(),
    ).toThrow(/should refuse/);
  });
});
