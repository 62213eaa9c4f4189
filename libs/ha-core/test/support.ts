import type {
  HaConfig,
  HaEvent,
  HaMachineState,
  HaMode,
  PartnerCallOutcome,
  PeerRole,
  RunMode,
  Trigger,
} from '../src';
import { completePartnerCall, Decision, parseHaConfig, runModel } from '../src';

const STANDARD_ROLES: Record<HaMode, PeerRole[]> = {
  'load-balancing': ['primary', 'secondary', 'backup'],
  'hot-standby': ['primary', 'standby', 'backup'],
  'passive-backup': ['primary', 'backup', 'backup'],
};

/** A relationship on the standard topology (server1..3), seen from the first peer with `role`. */
export function haConfig(
  mode: HaMode,
  role: PeerRole = 'primary',
  settings: Record<string, unknown> = {},
): HaConfig {
  const peers = STANDARD_ROLES[mode].map((peerRole, index) => ({
    name: `server${index + 1}`,
    url: `http://127.0.0.1:${8001 + index}/`,
    role: peerRole,
  }));
  const me = peers.find((p) => p.role === role);
  if (me === undefined) throw new Error(`no ${role} in ${mode}`);
  return parseHaConfig([{ mode, 'this-server-name': me.name, peers, ...settings }]);
}

export const OK: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };
export const REFUSED: PartnerCallOutcome = { transportFailed: true, error: 'Connection refused' };

export interface RunResult {
  readonly machine: HaMachineState;
  readonly events: HaEvent[];
}

/** Runs the handler(s) for one trigger, answering every peer call the machine makes with `outcome`. */
export function runFrom(
  machine: HaMachineState,
  mode: RunMode,
  trigger: Trigger = 'heartbeat-complete',
  outcome: (call: NonNullable<HaMachineState['pendingCall']>['call']) => PartnerCallOutcome = () => OK,
): RunResult {
  const d = new Decision(machine, 0);
  runModel(d, trigger, mode);
  while (d.state.pendingCall !== null) completePartnerCall(d, outcome(d.state.pendingCall.call));
  return { machine: d.state, events: d.events };
}

export function stepOnce(machine: HaMachineState, trigger: Trigger = 'heartbeat-complete'): RunResult {
  return runFrom(machine, 'single', trigger);
}

export function eventTypes(events: readonly HaEvent[]): string[] {
  return events.map((e) => e.type);
}
