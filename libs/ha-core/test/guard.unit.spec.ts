import type { HaEvent } from '../src';
import { HaService, isGuardRefusal } from '../src';
import { verifyStream } from '../src/probe';
import { haConfig } from './support';

const pausedInWaiting = () => {
  const config = haConfig('load-balancing', 'primary', {
    'state-machine': { states: [{ state: 'waiting', pause: 'always' }] },
  });
  const service = new HaService();
  const events: HaEvent[] = [...service.handle({ type: 'start', at: 0, config })];
  return { service, events };
};

/** A guarded ha-continue, decided by the paused machine. */
const continueWith = (service: HaService, guard: unknown) =>
  service.handle({ type: 'command', at: 1, commandId: 'c1', request: { command: 'ha-continue' }, guard });

const answerOf = (events: readonly HaEvent[]) =>
  events.find((e): e is Extract<HaEvent, { type: 'CommandAnswered' }> => e.type === 'CommandAnswered');

describe('the ha-continue guard is decided inside the machine', () => {
  it('refuses a continue whose guard names another state, as an answered command in the stream', () => {
    const { service } = pausedInWaiting();
    const events = continueWith(service, 'ready');
    expect(events.map((e) => e.type)).toEqual(['CommandReceived', 'CommandAnswered']);
    expect(events[0]).toMatchObject({ commandId: 'c1', guard: 'ready' });
    const response = answerOf(events)?.response;
    expect(response).toMatchObject({
      result: 1,
      text: 'refused: the guard expects the state machine paused in ready, but it is paused in waiting; nothing changed',
    });
    expect(isGuardRefusal(response)).toBe(true);
    expect(service.state?.paused).toBe(true);
  });

  it('lets a continue through when the guard names the paused state', () => {
    const { service } = pausedInWaiting();
    const events = continueWith(service, 'waiting');
    expect(events.map((e) => e.type)).toContain('StateMachineContinued');
    expect(isGuardRefusal(answerOf(events)?.response)).toBe(false);
    expect(answerOf(events)?.response?.result).toBe(0);
  });

  it('refuses a guard that is not a state name', () => {
    const { service } = pausedInWaiting();
    const events = continueWith(service, 42);
    expect(answerOf(events)?.response).toMatchObject({
      result: 1,
      text: "'haco-guard' must name the paused state to release",
    });
  });

  it('replays refused and accepted guarded commands exactly', () => {
    const { service, events } = pausedInWaiting();
    const decisions: { id: string; events: readonly HaEvent[] }[] = [{ id: 'start', events }];
    for (const [commandId, guard] of [
      ['c1', 'ready'],
      ['c2', 'waiting'],
      ['c3', 'waiting'],
    ]) {
      const input = {
        type: 'command',
        at: decisions.length,
        commandId,
        request: { command: 'ha-continue' },
        guard,
      } as const;
      decisions.push({ id: commandId, events: service.handle(input) });
    }
    let seq = 0;
    const recorded = decisions.flatMap(({ id, events: decided }, at) =>
      decided.map((event) => ({ seq: (seq += 1), at, causationId: id, event })),
    );
    const report = verifyStream(recorded);
    expect(report.divergence).toBeNull();
    expect(report.decisions).toBe(4);
    expect(report.continues).toBe(1);
  });
});
