import type { HaState } from '../states';
import {
  communicationRecoveryAllowed,
  failoverPartner,
  isBackupServer,
  normalState,
  thisServer,
} from '../topology';
import type { Decision } from './decision';
import {
  adjustDhcpService,
  performEntryActions,
  scheduleHeartbeat,
  schedulesHeartbeatBeforeRules,
  stopHeartbeat,
} from './entry-actions';
import type { CallContinuation, PartnerCall, PartnerCallOutcome } from './partner-calls';
import { callSucceeded } from './partner-calls';
import {
  clockSkewTerminates,
  clockSkewWarrantsWarning,
  communicationInterrupted,
  invalidPartnerState,
  partnerHasNewUnsentUpdates,
  shouldGoPartnerDown,
} from './predicates';
import type { HandlerOutcome } from './transition';
import { transitionTo } from './transition';
import type { Trigger } from './triggers';

/*
 * Longer than 250 lines because every state's rule table sits together in Kea's order, to be read
 * against spec section 2 rule by rule, with the few helpers they share and, beside each rule that waits
 * for a peer call, the rest of that rule once the call's outcome is known.
 */
/** One handler invocation: the state's entry actions, then its rules in Kea's order (spec 2). */
export function runHandler(d: Decision, trigger: Trigger, cascade: boolean): HandlerOutcome {
  const run = new HandlerRun(d, trigger, cascade);
  return run.execute();
}

/** Finishes the rule that suspended for `call`, as the same handler run (same trigger) would have. */
export function resumeRule(
  d: Decision,
  call: PartnerCall,
  continuation: Exclude<CallContinuation, { kind: 'command' }>,
  outcome: PartnerCallOutcome,
): HandlerOutcome {
  const run = new HandlerRun(d, continuation.trigger, continuation.cascade);
  if (outcome.transportFailed) d.emit({ type: 'PartnerMarkedUnavailable', reason: outcome.error });
  switch (continuation.kind) {
    case 'syncing-handler':
      return run.afterLeaseSync(outcome);
    case 'recovery-handler':
      return run.afterRecoveryCall(call, outcome);
  }
}

class HandlerRun {
  constructor(
    private readonly d: Decision,
    private readonly trigger: Trigger,
    private readonly cascade: boolean,
  ) {}

  execute(): HandlerOutcome {
    const state = this.d.state.state;
    if (
      state === 'partner-down' &&
      !this.d.state.entryPending &&
      this.trigger === 'synced-partner-unavailable'
    ) {
      // The partner synced from us but cannot be reached any more: serve its clients again.
      adjustDhcpService(this.d, 'synced partner unavailable');
    }
    performEntryActions(this.d, this.trigger);
    if (schedulesHeartbeatBeforeRules(this.d.state)) scheduleHeartbeat(this.d);
    switch (state) {
      case 'waiting':
        return this.waiting();
      case 'syncing':
        return this.syncing();
      case 'ready':
        return this.ready();
      case 'load-balancing':
      case 'hot-standby':
        return this.normal();
      case 'communication-recovery':
        return this.communicationRecovery();
      case 'partner-down':
        return this.partnerDown();
      case 'partner-in-maintenance':
        return this.partnerInMaintenance();
      case 'in-maintenance':
      case 'terminated':
      case 'backup':
      case 'passive-backup':
        // These handlers never transition and have no pause check.
        return 'stay';
    }
  }

  private get machine() {
    return this.d.state;
  }

  private go(to: HaState, rule: string): 'transition' {
    return transitionTo(this.d, to, { kind: 'rule', trigger: this.trigger, rule });
  }

  /** Rule 1 of most handlers: the no-op run after a maintenance cancel, and pausing. */
  private heldBack(): boolean {
    return this.trigger === 'maintenance-cancel' || this.machine.paused;
  }

  private shouldTerminate(): boolean {
    if (clockSkewTerminates(this.machine)) return true;
    if (clockSkewWarrantsWarning(this.machine, this.d.at)) {
      this.d.emit({
        type: 'Noted',
        note: 'HA_HIGH_CLOCK_SKEW',
        at: this.d.at,
        detail: `${this.machine.partner.clockSkewSeconds}`,
      });
    }
    return false;
  }

  private partnerStateInvalid(): boolean {
    const note = invalidPartnerState(this.machine);
    if (note === null) return false;
    this.d.emit({ type: 'Noted', note, at: this.d.at });
    return true;
  }

  private syncOrReady(rule: string): 'transition' {
    return this.go(this.machine.config.syncLeases ? 'syncing' : 'ready', rule);
  }

  private partnerDownOrStay(): HandlerOutcome {
    return shouldGoPartnerDown(this.machine) ? this.go('partner-down', 'partner-unavailable') : 'stay';
  }

  /** Rules 1-3 of syncing, ready, the normal states, communication-recovery and partner-down. */
  private commonRules(): HandlerOutcome | null {
    if (this.heldBack()) return 'stay';
    if (this.shouldTerminate()) return this.go('terminated', 'clock-skew');
    if (this.partnerStateInvalid()) return this.go('waiting', 'invalid-partner-state');
    return null;
  }

  /** A partner in maintenance puts us in the mirror state; a terminated partner terminates us. */
  private mirrorPartner(): HandlerOutcome | null {
    switch (this.machine.partner.state) {
      case 'in-maintenance':
        return this.go('partner-in-maintenance', 'partner-state');
      case 'partner-in-maintenance':
        return this.go('in-maintenance', 'partner-state');
      case 'terminated':
        return this.go('terminated', 'partner-state');
      default:
        return null;
    }
  }

  private waiting(): HandlerOutcome {
    const config = this.machine.config;
    if (this.heldBack()) return 'stay';
    if (isBackupServer(config)) return this.go('backup', 'backup-role');
    if (config.mode === 'passive-backup') return this.go('passive-backup', 'passive-backup-mode');
    if (this.shouldTerminate()) return this.go('terminated', 'clock-skew');
    if (this.partnerStateInvalid()) return 'stay';
    switch (this.machine.partner.state) {
      case 'communication-recovery':
      case 'hot-standby':
      case 'load-balancing':
      case 'in-maintenance':
      case 'partner-down':
      case 'partner-in-maintenance':
      case 'ready':
        return this.syncOrReady('partner-state');
      case 'syncing':
        return 'stay';
      case 'terminated':
        this.d.emit({ type: 'Noted', note: 'HA_TERMINATED_RESTART_PARTNER', at: this.d.at });
        return 'stay';
      case 'waiting':
        return thisServer(config).role === 'primary' ? this.syncOrReady('primary-goes-first') : 'stay';
      case 'unavailable':
        return this.partnerDownOrStay();
      default:
        return 'stay';
    }
  }

  private syncing(): HandlerOutcome {
    const early = this.commonRules();
    if (early !== null) return early;
    switch (this.machine.partner.state) {
      case 'terminated':
        return this.go('terminated', 'partner-state');
      case 'unavailable': {
        const outcome = this.partnerDownOrStay();
        scheduleHeartbeat(this.d);
        return outcome;
      }
      default: {
        // Kea stops the heartbeat so that it does not interfere with the synchronous sync.
        stopHeartbeat(this.d);
        const config = this.machine.config;
        const partner = failoverPartner(config)?.name ?? '';
        return this.suspendFor(
          {
            kind: 'lease-sync',
            serverName: partner,
            maxPeriodSeconds: Math.max(1, Math.floor(config.syncTimeoutMs / 1000)),
          },
          'syncing-handler',
        );
      }
    }
  }

  /** The syncing rule, once the lease sync it waited for has ended. */
  afterLeaseSync(outcome: PartnerCallOutcome): HandlerOutcome {
    const result = callSucceeded(outcome) ? this.go('ready', 'lease-sync-succeeded') : 'stay';
    scheduleHeartbeat(this.d);
    return result;
  }

  private ready(): HandlerOutcome {
    const early = this.commonRules();
    if (early !== null) return early;
    const config = this.machine.config;
    const mirrored = this.mirrorPartner();
    if (mirrored !== null) return mirrored;
    switch (this.machine.partner.state) {
      case 'hot-standby':
      case 'load-balancing':
      case 'communication-recovery':
        return this.go(normalState(config), 'partner-state');
      case 'ready':
        if (thisServer(config).role !== 'primary') return 'stay';
        return this.go(
          config.mode === 'load-balancing' ? 'load-balancing' : 'hot-standby',
          'primary-goes-first',
        );
      case 'unavailable':
        return this.partnerDownOrStay();
      default:
        return 'stay';
    }
  }

  private normal(): HandlerOutcome {
    const early = this.commonRules();
    if (early !== null) return early;
    const mirrored = this.mirrorPartner();
    if (mirrored !== null) return mirrored;
    switch (this.machine.partner.state) {
      case 'partner-down':
        return this.go('waiting', 'partner-state');
      case 'unavailable':
        if (shouldGoPartnerDown(this.machine)) return this.go('partner-down', 'partner-unavailable');
        if (communicationRecoveryAllowed(this.machine.config)) {
          return this.go('communication-recovery', 'partner-unavailable');
        }
        return 'stay';
      default:
        return 'stay';
    }
  }

  private communicationRecovery(): HandlerOutcome {
    const outcome = this.communicationRecoveryRules();
    if (outcome !== 'suspend') clearBacklogOnExit(this.d);
    return outcome;
  }

  private communicationRecoveryRules(): HandlerOutcome {
    const early = this.commonRules();
    if (early !== null) return early;
    const mirrored = this.mirrorPartner();
    if (mirrored !== null) return mirrored;
    const machine = this.machine;
    switch (machine.partner.state) {
      case 'partner-down':
        return this.go('waiting', 'partner-state');
      case 'unavailable':
        return this.partnerDownOrStay();
      case 'waiting':
      case 'syncing':
      case 'ready':
        // The partner is resyncing anyway; only an overflown backlog forces us to resync too.
        return !communicationInterrupted(machine) && machine.backlog.overflown
          ? this.go('waiting', 'lease-backlog-overflown')
          : 'stay';
      default:
        if (communicationInterrupted(machine)) return 'stay';
        if (
          machine.partner.state === normalState(machine.config) ||
          machine.partner.state === 'communication-recovery'
        ) {
          if (machine.backlog.overflown) return this.suspendFor({ kind: 'ha-reset' }, 'recovery-handler');
          if (machine.backlog.size === 0) {
            this.d.emit({ type: 'Noted', note: 'HA_LEASES_BACKLOG_NOTHING_TO_SEND', at: this.d.at });
            return this.go(normalState(machine.config), 'communication-recovered');
          }
          return this.suspendFor({ kind: 'send-lease-backlog' }, 'recovery-handler');
        }
        return this.go('waiting', 'partner-state');
    }
  }

  /** The communication-recovery rule, once the backlog send or the ha-reset it waited for has ended. */
  afterRecoveryCall(call: PartnerCall, outcome: PartnerCallOutcome): HandlerOutcome {
    if (call.kind === 'send-lease-backlog' && !callSucceeded(outcome)) {
      // The partner missed updates we could not deliver: ask it to resync from scratch.
      return this.suspendFor({ kind: 'ha-reset' }, 'recovery-handler');
    }
    const result =
      call.kind === 'send-lease-backlog'
        ? this.go(normalState(this.machine.config), 'lease-backlog-sent')
        : callSucceeded(outcome)
          ? this.go('waiting', 'partner-reset')
          : 'stay';
    clearBacklogOnExit(this.d);
    return result;
  }

  private partnerDown(): HandlerOutcome {
    const early = this.commonRules();
    if (early !== null) return early;
    switch (this.machine.partner.state) {
      case 'communication-recovery':
      case 'partner-down':
      case 'partner-in-maintenance':
        return this.go('waiting', 'partner-state');
      case 'ready':
        return partnerHasNewUnsentUpdates(this.machine)
          ? this.go('waiting', 'partner-has-unsent-updates')
          : this.go(normalState(this.machine.config), 'partner-state');
      case 'terminated':
        return this.go('terminated', 'partner-state');
      default:
        return 'stay';
    }
  }

  private partnerInMaintenance(): HandlerOutcome {
    if (this.machine.paused) return 'stay';
    if (this.shouldTerminate()) return this.go('terminated', 'clock-skew');
    // The partner was shut down for maintenance: no need to confirm with SPD that it is down.
    return this.machine.partner.state === 'unavailable'
      ? this.go('partner-down', 'partner-unavailable')
      : 'stay';
  }

  private suspendFor(call: PartnerCall, continuation: 'syncing-handler' | 'recovery-handler'): 'suspend' {
    this.d.emit({
      type: 'PartnerCallRequested',
      call,
      continuation: { kind: continuation, cascade: this.cascade, trigger: this.trigger },
    });
    return 'suspend';
  }
}

/** communication-recovery empties its backlog whenever its on-exit flag is up (Kea's doOnExit). */
function clearBacklogOnExit(d: Decision): void {
  if (d.state.exitPending) d.emit({ type: 'LeaseBacklogCleared' });
}
