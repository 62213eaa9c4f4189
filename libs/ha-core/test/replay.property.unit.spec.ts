import fc from 'fast-check';
import type { HaEvent, HaInput, HaMachineState, HaState, PartnerCallOutcome } from '../src';
import type { RecordedEvent } from '../src';
import { decide, HA_STATES, HaService, StreamVerifier } from '../src';
import { foldEvents } from '../src/probe';
import { verifyStream } from '../src/probe';
import { haConfig } from './support';

/*
 * Longer than 250 lines because its input generators and the properties they feed belong together.
 */
const PARTNER_STATES = [...HA_STATES];
const COMMANDS: unknown[] = [
  { command: 'ha-continue' },
  { command: 'ha-reset' },
  { command: 'ha-maintenance-start' },
  { command: 'ha-maintenance-notify', arguments: { cancel: false } },
  { command: 'ha-maintenance-notify', arguments: { cancel: true } },
  { command: 'ha-maintenance-cancel' },
  { command: 'ha-sync-complete-notify' },
  { command: 'ha-scopes', arguments: { scopes: ['server1', 'server2'] } },
  { command: 'ha-sync', arguments: { 'server-name': 'server2' } },
  { command: 'dhcp-disable', arguments: { 'max-period': 5 } },
  { command: 'dhcp-enable' },
  { command: 'status-get' },
  { command: 'ha-heartbeat' },
  { command: 'no-such-command' },
];

const communication = fc.record({
  status: fc.constantFrom(
    'ok' as const,
    'ok' as const,
    'ok' as const,
    'interrupted' as const,
    'failed' as const,
  ),
  ageSeconds: fc.nat(120),
  connectingClients: fc.nat(5),
  unackedClients: fc.nat(5),
  analyzedPackets: fc.nat(20),
});

/** Inputs without `at`; the driver stamps them with an increasing clock. */
type Stimulus = { readonly [key: string]: unknown; readonly type: HaInput['type'] };

const stimulus: fc.Arbitrary<Stimulus> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('heartbeat-completed' as const),
      result: fc.oneof(
        fc.record({
          ok: fc.constant(true as const),
          partnerState: fc.constantFrom(...PARTNER_STATES),
          scopes: fc.constant([] as string[]),
          unsentUpdateCount: fc.option(fc.nat(3), { nil: null }),
          clockSkewSeconds: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 31, -45, 61, -90),
        }),
        fc.record({ ok: fc.constant(false as const), reason: fc.constant('Connection refused') }),
      ),
      communication,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('lease-updates-completed' as const),
      partnerFailed: fc.boolean(),
      communication,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('lease-updates-generated' as const),
      count: fc.integer({ min: 1, max: 150 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('communication-observed' as const), communication }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('command' as const), request: fc.constantFrom(...COMMANDS) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('start' as const) }) },
);

const outcome: fc.Arbitrary<PartnerCallOutcome> = fc.oneof(
  fc.constant({ transportFailed: false as const, result: 0, text: '' }),
  fc.constant({ transportFailed: true as const, error: 'Connection refused' }),
  fc.constant({ transportFailed: false as const, result: 1001, text: 'refused' }),
  fc.constant({ transportFailed: false as const, result: 1, text: 'Unauthorized' }),
);

const pauseMap = fc.dictionary(
  fc.constantFrom<HaState>(...HA_STATES),
  fc.constantFrom('always', 'once', 'never'),
  {
    maxKeys: 5,
  },
);

const scenario = fc.record({
  mode: fc.constantFrom('load-balancing' as const, 'hot-standby' as const),
  role: fc.constantFrom('primary' as const, 'other' as const),
  pausing: pauseMap,
  maxUnacked: fc.constantFrom(0, 10),
  stimuli: fc.array(stimulus, { minLength: 1, maxLength: 120 }),
  outcomes: fc.array(outcome, { minLength: 1, maxLength: 20 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function runScenario(s: Scenario) {
  const role = s.role === 'primary' ? 'primary' : s.mode === 'load-balancing' ? 'secondary' : 'standby';
  const config = haConfig(s.mode, role, {
    'max-unacked-clients': s.maxUnacked,
    'state-machine': { states: Object.entries(s.pausing).map(([state, pause]) => ({ state, pause })) },
  });
  const live = new HaService();
  const log: HaEvent[] = [];
  const recorded: RecordedEvent[] = [];
  const checkpoints: { length: number; state: HaMachineState | null }[] = [];
  let at = 1_700_000_000_000;
  let call = 0;
  const feed = (input: HaInput) => {
    const events = live.handle(input);
    const causationId = `input-${checkpoints.length}`;
    for (const event of events) recorded.push({ seq: recorded.length + 1, at: input.at, causationId, event });
    log.push(...events);
    checkpoints.push({ length: log.length, state: live.state });
  };
  feed({ type: 'start', at, config });
  s.stimuli.forEach((stim, index) => {
    at += 997;
    while (live.state?.pendingCall) {
      feed({ type: 'partner-call-completed', at, outcome: s.outcomes[call++ % s.outcomes.length] });
    }
    const input = (
      stim.type === 'start'
        ? { type: 'start', at, config }
        : stim.type === 'command'
          ? { ...stim, at, commandId: `c${index}` }
          : { ...stim, at }
    ) as HaInput;
    feed(input);
  });
  return { live, log, checkpoints, recorded };
}

describe('replay: the fold of the decided events is the live machine', () => {
  it('holds for long random input sequences, at every step, through JSON', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { live, log, checkpoints } = runScenario(s);
        const stored: HaEvent[] = JSON.parse(JSON.stringify(log));
        expect(foldEvents(stored)).toEqual(live.state);
        for (const { length, state } of checkpoints)
          expect(foldEvents(stored.slice(0, length))).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('decide is deterministic: the same state and input give the same events', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { log } = runScenario(s);
        const replayed = foldEvents(log);
        const input: HaInput = {
          type: 'command',
          at: 5,
          commandId: 'x',
          request: { command: 'ha-heartbeat' },
        };
        if (replayed.pendingCall !== null) return;
        expect(decide(replayed, input)).toEqual(decide(replayed, input));
      }),
      { numRuns: 100 },
    );
  });

  it('explores the machine: random runs reach pauses, transitions and peer calls', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenario, (s) => {
        for (const e of runScenario(s).log) {
          seen.add(e.type);
          if (e.type === 'StateTransitioned') seen.add(`to:${e.to}`);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
    const wanted = [
      ...['StateMachinePaused', 'StateMachineContinued', 'PartnerCallRequested', 'LeaseBacklogCleared'],
      ...['syncing', 'ready', 'partner-down', 'terminated', 'in-maintenance', 'partner-in-maintenance'].map(
        (s) => `to:${s}`,
      ),
      'to:communication-recovery',
    ];
    expect(wanted.filter((x) => !seen.has(x))).toEqual([]);
  });

  it('replay --verify re-decides every recorded decision and finds no divergence', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { live, recorded } = runScenario(s);
        const stored: RecordedEvent[] = JSON.parse(JSON.stringify(recorded));
        const report = verifyStream(stored);
        expect(report.divergence).toBeNull();
        expect(report.state).toEqual(live.state);
        expect(report.events).toBe(recorded.length);
      }),
      { numRuns: 200 },
    );
  });

  it('replay --verify reports the first tampered transition exactly', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { recorded } = runScenario(s);
        const index = recorded.findIndex((r) => r.event.type === 'StateTransitioned');
        if (index < 0) return;
        const original = recorded[index].event as Extract<HaEvent, { type: 'StateTransitioned' }>;
        const forged = {
          ...original,
          to: original.to === 'terminated' ? 'waiting' : 'terminated',
        } as HaEvent;
        const tampered = recorded.map((r, i) => (i === index ? { ...r, event: forged } : r));
        const report = verifyStream(tampered);
        expect(report.divergence).toMatchObject({
          seq: recorded[index].seq,
          recorded: forged,
          replayed: original,
        });
      }),
      { numRuns: 100 },
    );
  });

  it('verifies page by page exactly as whole: intact, tampered or cut inside a decision', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom('intact', 'tampered', 'cut'),
        (s, pageSizes, pick, variant) => {
          const { recorded } = runScenario(s);
          let stream: RecordedEvent[] = JSON.parse(JSON.stringify(recorded));
          if (variant === 'cut') stream = stream.slice(0, stream.length - 1);
          if (variant === 'tampered' && stream.length > 0) {
            const index = pick % stream.length;
            stream[index] = { ...stream[index], causationId: 'forged' };
          }
          const verifier = new StreamVerifier();
          for (let at = 0, page = 0; at < stream.length; page += 1) {
            const size = pageSizes[page % pageSizes.length];
            verifier.push(stream.slice(at, at + size));
            at += size;
          }
          expect(verifier.finish()).toEqual(verifyStream(stream));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says when to stop reading: push is false from the page holding the first divergence on', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { recorded } = runScenario(s);
        const index = recorded.findIndex((r) => r.event.type === 'StateTransitioned');
        if (index < 0) return;
        const tampered = recorded.map((r, i) => (i === index ? { ...r, causationId: 'forged' } : r));
        const whole = verifyStream(tampered);
        if (whole.divergence === null) return;
        const verifier = new StreamVerifier();
        let pagesRead = 0;
        for (let at = 0; at < tampered.length; at += 3) {
          pagesRead += 1;
          if (!verifier.push(tampered.slice(at, at + 3))) break;
        }
        const report = verifier.finish();
        expect(verifier.verifying).toBe(false);
        expect(report.divergence).toEqual(whole.divergence);
        expect(report.events).toBe(Math.min(pagesRead * 3, tampered.length));
      }),
      { numRuns: 200 },
    );
  });
});
