import type { HaConfig } from '../config/types';
import { completePartnerCall } from '../decide';
import { Decision } from '../machine/decision';
import type { LeaseBacklog } from '../machine/machine-state';
import type { CommunicationView } from '../observe/communication-view';
import type { PartnerCallOutcome } from '../machine/partner-calls';
import { runModel } from '../machine/run-model';
import { settledMachine } from '../machine/settled-machine';
import { TRIGGERS } from '../machine/triggers';
import type { HaState, PartnerState } from '../states';
import { HA_STATES } from '../states';

const SUCCEEDS: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };
const FAILS: PartnerCallOutcome = { transportFailed: true, error: 'Connection refused' };

/** A world a rule may look at besides the two states: communication, backlog, the partner's report. */
interface World {
  readonly communication: CommunicationView;
  readonly backlog: LeaseBacklog;
  readonly clockSkewSeconds: number;
  readonly unsentUpdateCount: number;
}

const WORLDS: readonly World[] = (['ok', 'interrupted', 'failed'] as const).flatMap((status) =>
  [
    { size: 0, overflown: false },
    { size: 5, overflown: false },
    { size: 5, overflown: true },
  ].flatMap((backlog) =>
    [0, 61].flatMap((clockSkewSeconds) =>
      [0, 5].map((unsentUpdateCount) => ({
        communication: { status, ageSeconds: 0, connectingClients: 0, unackedClients: 0, analyzedPackets: 0 },
        backlog,
        clockSkewSeconds,
        unsentUpdateCount,
      })),
    ),
  ),
);

/** What an operator or the partner may make a server do by a command, whatever its rules. */
function commandCouldTransition(from: HaState, to: HaState): boolean {
  if (to === 'in-maintenance' || to === 'partner-in-maintenance' || to === 'waiting') return true;
  // A maintenance cancel returns a server to the state it was in before.
  if (from === 'in-maintenance' || from === 'partner-in-maintenance') return true;
  // ha-maintenance-start moves a server straight to partner-down when its partner is unreachable.
  return to === 'partner-down';
}

const cache = new WeakMap<HaConfig, Map<string, ReadonlySet<HaState>>>();

/** The states the rules of `from` can lead to in one handler run, with the partner in `partnerState`. */
function ruleTargets(config: HaConfig, from: HaState, partnerState: PartnerState): ReadonlySet<HaState> {
  const known = cache.get(config) ?? new Map<string, ReadonlySet<HaState>>();
  cache.set(config, known);
  const key = `${from}|${partnerState}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const targets = new Set<HaState>();
  for (const world of WORLDS) {
    const machine = settledMachine(config, from, {
      communication: world.communication,
      backlog: world.backlog,
      partner: {
        state: partnerState,
        scopes: [],
        unsentUpdateCount: world.unsentUpdateCount,
        previousUnsentUpdateCount: 0,
        clockSkewSeconds: world.clockSkewSeconds,
      },
    });
    for (const trigger of TRIGGERS) {
      for (const outcome of [SUCCEEDS, FAILS]) {
        const d = new Decision(machine, 0);
        runModel(d, trigger, 'single');
        for (let calls = 0; d.state.pendingCall !== null && calls < 4; calls += 1)
          completePartnerCall(d, outcome);
        for (const event of d.events) if (event.type === 'StateTransitioned') targets.add(event.to);
      }
    }
  }
  known.set(key, targets);
  return targets;
}

/**
 * The shadow check of a real Kea server's transition: could haco's own rules (Kea 2.2's, as the core
 * reproduces them) have made it, from the observed state with the partner in the observed state, in some
 * world the observation does not show (communication, backlog, clock skew, the trigger), or could a
 * command have? False means the model would never make it: worth an operator's look.
 */
export function transitionExplained(
  config: HaConfig,
  from: HaState,
  to: HaState,
  partnerState: string,
): boolean {
  if (from === to || commandCouldTransition(from, to)) return true;
  // Kea logs a partner it cannot name, unavailable or not yet heard from, as UNDEFINED: either may be meant.
  const partners: PartnerState[] = (HA_STATES as readonly string[]).includes(partnerState)
    ? [partnerState as HaState]
    : ['unavailable', 'unknown'];
  return partners.some((partner) => ruleTargets(config, from, partner).has(to));
}
