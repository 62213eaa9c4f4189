/*
 * The probe door (@haco/ha-core/probe): handler-level drivers for the conformance probe and the tests.
 * Applications use the decider door (@haco/ha-core) only; the layering test holds both to that.
 */
export { MachineProbe } from './machine-probe';
export type { CallAnswerer } from './machine-probe';
export { runFrom, stepOnce } from './runs';
export type { RunResult } from './runs';
export { DeciderSpecification } from './decider-specification';
export { verifyStream } from '../replay/replay';
export { foldEvents } from '../machine/evolve';
export type { EventsCheck } from './decider-specification';
export { settledMachine } from '../machine/settled-machine';
export { scopesOnEntry } from '../machine/entry-actions';
export { isTrigger } from '../machine/triggers';
export type { Trigger } from '../machine/triggers';
export type { RunMode } from '../machine/run-model';
export type { HandlerOutcome } from '../machine/transition';
export { highAvailabilitySection } from '../commands/status';
export { HA_MODES } from '../config/types';
export type { HaMode, PeerRole } from '../config/types';
export type { PartnerState } from '../states';
export { isHaState, isPartnerState } from '../states';
export type { CommunicationStatus } from '../observe/communication-view';
