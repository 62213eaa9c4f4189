/*
 * The decider door (@haco/ha-core): what applications need to run, store, show and replay the machine.
 * Drivers below `decide` (single handlers, forced entries) are behind the probe door, @haco/ha-core/probe.
 */
// States, configuration and topology
export { HA_STATES } from './states';
export type { HaState } from './states';
export type { HaConfig, PeerConfig } from './config/types';
export { parseHaConfig } from './config/parse-ha-config';
export { HaConfigError } from './config/config-error';
export { failoverPartner } from './topology';
// The decider: inputs in, events out, state folded from events, effects derived from events
export type { HaInput } from './machine/inputs';
export { HA_EVENT_TYPES, causeText, isHaEventType } from './machine/events';
export type { CommandRequest, HaEvent, HaEventType, RestartKind } from './machine/events';
export type { HaMachineState } from './machine/machine-state';
export type { PartnerCall, PartnerCallOutcome } from './machine/partner-calls';
export { decide } from './decide';
export { evolve } from './machine/evolve';
export { effectsOf } from './machine/effects';
export type { Effect } from './machine/effects';
export { HaService } from './ha-service';
export { guardRefusal, isGuardRefusal } from './machine/guard';
// Kea's answers and commands
export { answer, KEA_RESULT } from './kea/kea-response';
export type { KeaResponse } from './kea/kea-response';
export { HA_COMMANDS, isHaCommand, isReadOnly } from './commands/dispatch';
export { haServersReport, readOnlyAnswer } from './commands/status';
export { keaLogLines } from './views/kea-log';
export { transitionExplained } from './shadow/transition-check';
export { reviewPauses } from './views/pause-review';
// What the peer observes and routes
export { interpretHeartbeatAnswer } from './observe/heartbeat-answer';
export { CommunicationTracker } from './observe/communication-tracker';
export type { AnalysedQuery } from './observe/communication';
export type { CommunicationView } from './observe/communication-view';
export { queryScope } from './observe/query-scope';
export { leaseUpdateRoute } from './lease-updates';
// Replay
export { StreamVerifier } from './replay/replay';
export type { RecordedEvent, ReplayReport } from './replay/replay';
