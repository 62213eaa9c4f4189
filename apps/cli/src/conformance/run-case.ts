import type { HaMachineState, Trigger } from '@haco/ha-core';
import {
  completePartnerCall,
  decide,
  Decision,
  evolve,
  HaConfigError,
  highAvailabilitySection,
  haServersReport,
  handleCommand,
  isTrigger,
  leaseUpdateRoute,
  parseHaConfig,
  performEntryActions,
  runModel,
  scheduleHeartbeat,
  schedulesHeartbeatBeforeRules,
  transitionTo,
} from '@haco/ha-core';
import { caseConfig, casePeer } from './case-config';
import { eventOutputs, machineOutputs } from './case-outputs';
import { caseState, caseWorld } from './case-world';
import type { CaseOutput, ConformanceCase } from './conformance-case';
import { caseOutcome } from './partner-outcomes';

/** Runs one vector through libs/ha-core and returns the outputs its kind produces. */
export function runCase(c: ConformanceCase): CaseOutput {
  const kind = String(c['kind'] ?? '');
  switch (kind) {
    case 'config-validation':
      return validateConfig(c);
    case 'step':
    case 'sequence-step':
      return runHandlers(c, 'single');
    case 'run':
      return runHandlers(c, 'cascade');
    case 'startup':
      return startup(c);
    case 'forced-transition':
      return forcedTransition(c);
    case 'command':
      return command(c);
    case 'entry-actions':
      return entryActions(c);
    case 'heartbeat-running':
      return runHandlers(c, 'single', { entering: true });
    case 'lease-updates':
      return leaseUpdates(c);
    case 'status-get':
      return statusGet(c);
    default:
      throw new Error(`unknown kind '${kind}'`);
  }
}

function validateConfig(c: ConformanceCase): CaseOutput {
  try {
    parseHaConfig(c['input']);
    return { error: null };
  } catch (error) {
    if (error instanceof HaConfigError) return { error: error.keaText };
    throw error;
  }
}

/** Kea events no handler looks at, and short forms, as the trigger they amount to. */
const KEA_EVENT_ALIASES: Record<string, Trigger> = {
  heartbeat: 'heartbeat-complete',
  'lease-updates': 'lease-updates-complete',
  'syncing-failed': 'nop',
  'syncing-succeeded': 'nop',
  'maintenance-canceled': 'maintenance-cancel',
};

/** Kea's event names (HA_HEARTBEAT_COMPLETE_EVT) and ours (heartbeat-complete) both name a trigger. */
function caseTrigger(c: ConformanceCase, fallback: Trigger): Trigger {
  // `last_event`: the event that ran the handler (after a maintenance cancel, Kea's next run does nothing).
  const raw = c['event'] ?? c['last_event'];
  if (raw === undefined || raw === null) return fallback;
  const name = String(raw).toLowerCase().replace(/_/g, '-').replace(/^ha-/, '').replace(/-evt$/, '');
  const trigger = KEA_EVENT_ALIASES[name] ?? name;
  if (!isTrigger(trigger)) throw new Error(`unknown event '${String(raw)}'`);
  return trigger;
}

function caseAt(c: ConformanceCase): number {
  const value = c['now'] ?? c['at'];
  return typeof value === 'number' ? value : 0;
}

/** The world of the case, with `enter_from`'s forced transition into `state` already made. */
function prepare(
  c: ConformanceCase,
  options: { entering?: boolean } = {},
): { d: Decision; start: HaMachineState } {
  const config = caseConfig(c);
  const target = caseState(c, 'state', 'waiting');
  const enterFrom = c['enter_from'];
  if (enterFrom !== undefined && enterFrom !== null) {
    const start = caseWorld(c, config, caseState(c, 'enter_from', 'waiting'));
    const d = new Decision(start, caseAt(c));
    transitionTo(d, target, {
      kind: 'command',
      command: 'forced-transition',
      commandId: String(c['id'] ?? ''),
    });
    return { d, start };
  }
  const world = caseWorld(c, config, target);
  const start = options.entering ? { ...world, entryPending: true, exitPending: true } : world;
  return { d: new Decision(start, caseAt(c)), start };
}

/** Feeds the case's peer answers to the machine for as long as it waits for one. */
function settleCalls(c: ConformanceCase, d: Decision): void {
  for (let guard = 0; d.state.pendingCall !== null; guard += 1) {
    if (guard > 8) throw new Error('the machine keeps asking for peer calls');
    completePartnerCall(d, caseOutcome(c, d.state.pendingCall.call));
  }
}

function finish(d: Decision, start: HaMachineState, extra: CaseOutput = {}): CaseOutput {
  return { ...machineOutputs(d.state), ...eventOutputs(start, d.events), ...extra };
}

function runHandlers(
  c: ConformanceCase,
  mode: 'single' | 'cascade',
  options: { entering?: boolean } = {},
): CaseOutput {
  const { d, start } = prepare(c, options);
  runModel(d, caseTrigger(c, 'heartbeat-complete'), mode);
  settleCalls(c, d);
  return finish(d, start);
}

function startup(c: ConformanceCase): CaseOutput {
  const config = caseConfig(c);
  const [started, ...decided] = decide(null, { type: 'start', at: caseAt(c), config });
  const d = new Decision(evolve(null, started), caseAt(c));
  for (const event of decided) d.emit(event);
  return finish(d, evolve(null, started));
}

function forcedTransition(c: ConformanceCase): CaseOutput {
  const { d, start } = prepare(c);
  transitionTo(d, caseState(c, 'target_state', 'waiting'), {
    kind: 'command',
    command: 'forced-transition',
    commandId: String(c['id'] ?? ''),
  });
  return finish(d, start);
}

function command(c: ConformanceCase): CaseOutput {
  const { d, start } = prepare(c);
  const raw = c['command'];
  const args = c['arguments'];
  const request =
    typeof raw === 'string'
      ? args === undefined
        ? { command: raw }
        : { command: raw, arguments: args }
      : raw;
  // A successful reconfiguration creates the HA service anew, as a start does.
  if ((request as { command?: unknown } | null)?.command === 'config-set') {
    return { ...startup(c), response: { result: 0, text: 'Configuration successful.' } };
  }
  handleCommand(d, String(c['id'] ?? 'command'), request);
  settleCalls(c, d);
  const answered = [...d.events].reverse().find((e) => e.type === 'CommandAnswered');
  const response = answered?.type === 'CommandAnswered' ? answered.response : null;
  return finish(d, start, { response });
}

function entryActions(c: ConformanceCase): CaseOutput {
  const { d, start } = prepare(c, { entering: true });
  const entered: Trigger =
    c['entered_by'] === 'ha-maintenance-start' ? 'maintenance-start' : 'heartbeat-complete';
  performEntryActions(d, caseTrigger(c, entered));
  if (schedulesHeartbeatBeforeRules(d.state)) scheduleHeartbeat(d);
  return finish(d, start);
}

function leaseUpdates(c: ConformanceCase): CaseOutput {
  const { d, start } = prepare(c);
  const route = leaseUpdateRoute(d.state, casePeer(c, d.state.config));
  return finish(d, start, { send: route === 'send', queue: route === 'queue' });
}

function statusGet(c: ConformanceCase): CaseOutput {
  const { d, start } = prepare(c);
  return finish(d, start, {
    high_availability: highAvailabilitySection(d.state),
    ha_servers: haServersReport(d.state),
  });
}
