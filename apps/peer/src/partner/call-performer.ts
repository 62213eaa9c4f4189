import { Inject, Injectable } from '@nestjs/common';
import type { HaConfig, PartnerCall, PartnerCallOutcome } from '@haco/ha-core';
import { assertNever } from '@haco/common';
import { failoverPartner } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import { LeaseBacklog } from './lease-backlog';
import type { LeaseStore } from '../leases/lease-store';
import { mergeSyncedLease } from '../leases/lease-store';
import { leaseFromJson } from '../leases/lease';
import type { Clock } from '../ports/clock';
import { nowSeconds } from '../ports/clock';
import { CLOCK, LEASE_STORE, PEER_SETTINGS } from '../ports/tokens';
import type { PeerReply } from './partner-client';
import { PartnerClient } from './partner-client';

const toOutcome = (reply: PeerReply): PartnerCallOutcome =>
  reply.ok
    ? { transportFailed: false, result: reply.response.result, text: reply.response.text ?? '' }
    : { transportFailed: true, error: reply.error };

const OK: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };

/** Performs the synchronous peer exchanges the state machine waits for, as Kea's HA service does. */
@Injectable()
export class CallPerformer {
  private readonly config: HaConfig;

  constructor(
    @Inject(PartnerClient) private readonly client: PartnerClient,
    @Inject(PEER_SETTINGS) settings: PeerSettings,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
    @Inject(LeaseBacklog) private readonly backlog: LeaseBacklog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.config = settings.ha;
  }

  async perform(call: PartnerCall): Promise<PartnerCallOutcome> {
    const partner = failoverPartner(this.config)?.name;
    switch (call.kind) {
      case 'maintenance-notify':
        return partner === undefined
          ? { transportFailed: true, error: 'no failover partner' }
          : toOutcome(await this.client.send(partner, 'ha-maintenance-notify', { cancel: call.cancel }));
      case 'ha-reset':
        return partner === undefined
          ? { transportFailed: true, error: 'no failover partner' }
          : toOutcome(await this.client.send(partner, 'ha-reset'));
      case 'send-lease-backlog':
        return partner === undefined ? OK : this.sendBacklog(partner);
      case 'lease-sync':
        return this.syncFrom(call.serverName, call.maxPeriodSeconds);
      default:
        return assertNever(call, 'partner call');
    }
  }

  /** v4: one update per backlog entry in queue order, stopping at the first failure. */
  private async sendBacklog(partner: string): Promise<PartnerCallOutcome> {
    for (const entry of this.backlog.pending) {
      const reply = await this.client.send(partner, entry.command, entry.arguments);
      if (!reply.ok || reply.response.result !== 0) return toOutcome(reply);
    }
    return OK;
  }

  /** dhcp-disable, paged lease4-get-page merged by cltt, then ha-sync-complete-notify (spec 5.9). */
  private async syncFrom(server: string, maxPeriodSeconds: number | null): Promise<PartnerCallOutcome> {
    const disableArgs = {
      origin: 'ha-partner',
      ...(maxPeriodSeconds === null ? {} : { 'max-period': maxPeriodSeconds }),
    };
    const disabled = await this.client.send(server, 'dhcp-disable', disableArgs);
    if (!disabled.ok || disabled.response.result !== 0) return this.failSync(server, disabled);
    let from = 'start';
    for (;;) {
      const page = await this.client.send(
        server,
        'lease4-get-page',
        { from, limit: this.config.syncPageLimit },
        this.config.syncTimeoutMs,
      );
      if (!page.ok || (page.response.result !== 0 && page.response.result !== 3))
        return this.failSync(server, page);
      if (page.response.result === 3) break;
      const leases = ((page.response.arguments as { leases?: unknown[] } | undefined)?.leases ??
        []) as unknown[];
      for (const raw of leases) {
        const lease = leaseFromJson(raw, nowSeconds(this.clock));
        if (typeof lease !== 'string') mergeSyncedLease(this.leases, lease);
      }
      if (leases.length < this.config.syncPageLimit) break;
      from = (leases[leases.length - 1] as { 'ip-address': string })['ip-address'];
    }
    const notified = await this.client.send(server, 'ha-sync-complete-notify');
    if (notified.ok && notified.response.result === 2)
      await this.client.send(server, 'dhcp-enable', { origin: 'ha-partner' });
    return OK;
  }

  private async failSync(server: string, reply: PeerReply): Promise<PartnerCallOutcome> {
    await this.client.send(server, 'dhcp-enable', { origin: 'ha-partner' });
    return toOutcome(reply);
  }
}
