export * from './states';
export * from './config/types';
export { HaConfigError } from './config/config-error';
export { parseHaConfig } from './config/parse-ha-config';
export * from './topology';
export * from './machine/machine-state';
export * from './machine/events';
export * from './machine/inputs';
export * from './machine/partner-calls';
export * from './machine/triggers';
export { evolve, foldEvents, initialMachineState } from './machine/evolve';
export { decide, completePartnerCall } from './decide';
export { HaService } from './ha-service';
export { Decision } from './machine/decision';
export { runModel } from './machine/run-model';
export { transitionTo } from './machine/transition';
export type { HandlerOutcome } from './machine/transition';
export {
  performEntryActions,
  scheduleHeartbeat,
  schedulesHeartbeatBeforeRules,
} from './machine/entry-actions';
export { handleCommand } from './commands/dispatch';
export type { DecideOptions } from './decide';
export type { RunMode } from './machine/run-model';
export { pauseOnEntry } from './machine/pausing';
export { GUARD_REFUSAL_KEY, guardRefusal, isGuardRefusal } from './machine/guard';
export { heartbeatRunsIn, settledMachine } from './machine/settled-machine';
export { dhcpEnabledIn, scopesOnEntry } from './machine/entry-actions';
export {
  clockSkewTerminates,
  invalidPartnerState,
  partnerHasNewUnsentUpdates,
  shouldGoPartnerDown,
} from './machine/predicates';
export * from './kea/kea-response';
export { HA_COMMANDS, isHaCommand, isReadOnly, readCommandRequest } from './commands/dispatch';
export type { HaCommandName } from './commands/dispatch';
export type { ReadOnlyCommand } from './commands/status';
export {
  heartbeatAnswer,
  readOnlyAnswer,
  haServersReport,
  highAvailabilitySection,
  statusGetAnswer,
} from './commands/status';
export { interpretHeartbeatAnswer } from './observe/heartbeat-answer';
export type { HeartbeatResult } from './observe/heartbeat-answer';
export { leaseUpdateRoute } from './lease-updates';
export type { LeaseUpdateRoute } from './lease-updates';
export { keaLogLines } from './kea/kea-log';
export type { KeaLogLine } from './kea/kea-log';
export { formatRfc1123, parseRfc1123 } from './kea/rfc1123';
export {
  analyseQuery,
  communicationView,
  effectiveSecs,
  isInterrupted,
  poke,
  startTracking,
} from './observe/communication';
export type { AnalysedQuery, CommunicationTracker } from './observe/communication';
export { hexBytes, loadBalanceHash, queryScope } from './observe/query-scope';
export type { ScopedClient } from './observe/query-scope';
export { inputOf, StreamVerifier, verifyStream } from './replay/replay';
export type { Divergence, RecordedEvent, ReplayReport } from './replay/replay';
export { effectsOf } from './machine/effects';
export type { Effect, EffectKind } from './machine/effects';
export { assertNever } from './assert-never';
