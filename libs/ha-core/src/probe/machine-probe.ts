import { handleCommand } from '../commands/dispatch';
import type { HaConfig } from '../config/types';
import { completePartnerCall, decide } from '../decide';
import { Decision } from '../machine/decision';
import {
  performEntryActions,
  scheduleHeartbeat,
  schedulesHeartbeatBeforeRules,
} from '../machine/entry-actions';
import type { HaEvent } from '../machine/events';
import { evolve } from '../machine/evolve';
import type { HaMachineState } from '../machine/machine-state';
import type { PartnerCall, PartnerCallOutcome } from '../machine/partner-calls';
import type { RunMode } from '../machine/run-model';
import { runModel } from '../machine/run-model';
import type { HandlerOutcome } from '../machine/transition';
import { transitionTo } from '../machine/transition';
import type { Trigger } from '../machine/triggers';
import type { HaState } from '../states';
import type { KeaResponse } from '../kea/kea-response';

/** How the probe answers the peer calls the machine makes: one outcome for each call. */
export type CallAnswerer = (call: PartnerCall) => PartnerCallOutcome;

/** No rule waits for more than a couple of peer calls in a row; more means the machine is looping. */
const MAX_CALLS_IN_A_ROW = 8;

/**
 * Drives the machine below `decide`, one handler or command at a time, as Kea's own unit tests do: the
 * conformance probe and the core's tests use it; production goes through `decide` alone. Every step's
 * events are kept, in order, and fold from `start` to `state`.
 */
export class MachineProbe {
  private readonly decision: Decision;

  constructor(
    /** The machine before the first step. */
    readonly start: HaMachineState,
    /** The time every step happens at (ms since the epoch). */
    at: number,
  ) {
    this.decision = new Decision(start, at);
  }

  /** A machine just started with `config`: the start's own event is the probe's starting point. */
  static started(config: HaConfig, at: number): MachineProbe {
    const [started, ...decided] = decide(null, { type: 'start', at, config });
    const probe = new MachineProbe(evolve(null, started), at);
    for (const event of decided) probe.decision.emit(event);
    return probe;
  }

  get state(): HaMachineState {
    return this.decision.state;
  }

  get events(): readonly HaEvent[] {
    return this.decision.events;
  }

  /** The handler(s) for `trigger`: one handler ('single'), or as production does until one stays. */
  run(trigger: Trigger, mode: RunMode): HandlerOutcome {
    return runModel(this.decision, trigger, mode);
  }

  /** An operator's forced transition into `target` (a state entered from another). */
  enter(target: HaState, commandId: string): void {
    transitionTo(this.decision, target, { kind: 'command', command: 'forced-transition', commandId });
  }

  /** A control-channel request; the answer, or null when Kea would send none (or it waits for a call). */
  command(commandId: string, request: unknown): KeaResponse | null {
    handleCommand(this.decision, commandId, request);
    return this.lastAnswer();
  }

  /** The entry actions a handler runs first, with the heartbeat re-armed where Kea does it before rules. */
  performEntryActions(trigger: Trigger): void {
    performEntryActions(this.decision, trigger);
    if (schedulesHeartbeatBeforeRules(this.decision.state)) scheduleHeartbeat(this.decision);
  }

  /** Answers the machine's peer calls for as long as it waits for one. */
  answerCalls(answer: CallAnswerer): void {
    for (let count = 0; this.decision.state.pendingCall !== null; count += 1) {
      if (count > MAX_CALLS_IN_A_ROW) throw new Error('the machine keeps asking for peer calls');
      completePartnerCall(this.decision, answer(this.decision.state.pendingCall.call));
    }
  }

  /** The response of the last command answered so far. */
  lastAnswer(): KeaResponse | null {
    const answered = [...this.decision.events].reverse().find((e) => e.type === 'CommandAnswered');
    return answered?.type === 'CommandAnswered' ? answered.response : null;
  }
}
