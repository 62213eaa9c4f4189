import type { HaMachineState } from '@haco/ha-core';
import { HaConfigError, haServersReport, leaseUpdateRoute, parseHaConfig } from '@haco/ha-core';
import type { Trigger } from '@haco/ha-core/probe';
import { highAvailabilitySection, isTrigger, MachineProbe } from '@haco/ha-core/probe';
import { caseConfig, casePeer } from './case-config';
import { eventOutputs, machineOutputs } from './case-outputs';
import { caseState, caseWorld } from './case-world';
import type { CaseOutput, ConformanceCase } from './conformance-case';
import { caseOutcome } from './partner-outcomes';

/**
 * Reads one vector and runs it through the core's probe door: this file only parses the case (its kind,
 * event, time, world and command) and names the outputs; the probe drives the machine.
 */
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
      return finish(MachineProbe.started(caseConfig(c), caseAt(c)));
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

const caseId = (c: ConformanceCase, fallback = ''): string => String(c['id'] ?? fallback);

/** The world of the case, with `enter_from`'s forced transition into `state` already made. */
function prepare(c: ConformanceCase, options: { entering?: boolean } = {}): MachineProbe {
  const config = caseConfig(c);
  const target = caseState(c, 'state', 'waiting');
  const enterFrom = c['enter_from'];
  if (enterFrom !== undefined && enterFrom !== null) {
    const probe = new MachineProbe(caseWorld(c, config, caseState(c, 'enter_from', 'waiting')), caseAt(c));
    probe.enter(target, caseId(c));
    return probe;
  }
  const world: HaMachineState = caseWorld(c, config, target);
  const start = options.entering ? { ...world, entryPending: true, exitPending: true } : world;
  return new MachineProbe(start, caseAt(c));
}

function finish(probe: MachineProbe, extra: CaseOutput = {}): CaseOutput {
  return { ...machineOutputs(probe.state), ...eventOutputs(probe.start, probe.events), ...extra };
}

function runHandlers(
  c: ConformanceCase,
  mode: 'single' | 'cascade',
  options: { entering?: boolean } = {},
): CaseOutput {
  const probe = prepare(c, options);
  probe.run(caseTrigger(c, 'heartbeat-complete'), mode);
  probe.answerCalls((call) => caseOutcome(c, call));
  return finish(probe);
}

function forcedTransition(c: ConformanceCase): CaseOutput {
  const probe = prepare(c);
  probe.enter(caseState(c, 'target_state', 'waiting'), caseId(c));
  return finish(probe);
}

function command(c: ConformanceCase): CaseOutput {
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
    return {
      ...finish(MachineProbe.started(caseConfig(c), caseAt(c))),
      response: { result: 0, text: 'Configuration successful.' },
    };
  }
  const probe = prepare(c);
  probe.command(caseId(c, 'command'), request);
  probe.answerCalls((call) => caseOutcome(c, call));
  return finish(probe, { response: probe.lastAnswer() });
}

function entryActions(c: ConformanceCase): CaseOutput {
  const probe = prepare(c, { entering: true });
  const entered: Trigger =
    c['entered_by'] === 'ha-maintenance-start' ? 'maintenance-start' : 'heartbeat-complete';
  probe.performEntryActions(caseTrigger(c, entered));
  return finish(probe);
}

function leaseUpdates(c: ConformanceCase): CaseOutput {
  const probe = prepare(c);
  const route = leaseUpdateRoute(probe.state, casePeer(c, probe.state.config));
  return finish(probe, { send: route === 'send', queue: route === 'queue' });
}

function statusGet(c: ConformanceCase): CaseOutput {
  const probe = prepare(c);
  return finish(probe, {
    high_availability: highAvailabilitySection(probe.state),
    ha_servers: haServersReport(probe.state),
  });
}
