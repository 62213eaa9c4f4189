import { Inject, Injectable } from '@nestjs/common';
import type { HaMachineState, KeaResponse } from '@haco/ha-core';
import { answer, KEA_RESULT, leaseUpdateRoute } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import type { BacklogEntry } from '../partner/lease-backlog';
import { LeaseBacklog } from '../partner/lease-backlog';
import { allocateAddress } from '../leases/allocator';
import type { Lease4 } from '../leases/lease';
import { leaseToJson } from '../leases/lease';
import type { LeaseStore } from '../leases/lease-store';
import { PartnerClient } from '../partner/partner-client';
import type { Clock } from '../ports/clock';
import { nowSeconds } from '../ports/clock';
import { CommunicationMonitor } from '../runtime/communication-monitor';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK, LEASE_STORE, PEER_SETTINGS } from '../ports/tokens';
import type { ClientQuery } from './client-query';
import { decideScope, readClientQuery } from './client-query';

interface PlannedSend {
  readonly toPartner: boolean;
  readonly delivered: Promise<boolean>;
}

interface QueryPlan {
  readonly address: string;
  readonly scope: string;
  readonly lease: Record<string, unknown>;
  readonly sends: readonly PlannedSend[];
}

/**
 * `dhcp4-query`, the stand-in for a DHCP client: decided and recorded in the machine's turn; the lease
 * updates to peers are awaited outside it, as Kea parks the DHCP answer while heartbeats and commands go on.
 */
@Injectable()
export class ClientQueries {
  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(PartnerClient) private readonly partner: PartnerClient,
    @Inject(CommunicationMonitor) private readonly communication: CommunicationMonitor,
    @Inject(LeaseBacklog) private readonly backlog: LeaseBacklog,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async query(rawArgs: unknown): Promise<KeaResponse> {
    const plan = await this.runner.turn(() => this.plan(rawArgs));
    if ('result' in plan) return plan;
    const results = await Promise.all(plan.sends.map((send) => send.delivered));
    const partner = plan.sends.find((send) => send.toPartner);
    if (partner !== undefined) {
      const partnerFailed = !(await partner.delivered);
      await this.runner.turn(() => {
        if (this.runner.state?.pendingCall) return;
        const at = this.clock.now();
        const communication = this.communication.view(at);
        this.runner.submit({ type: 'lease-updates-completed', at, partnerFailed, communication });
      });
    }
    const mustSucceed = plan.sends.filter((send) => send.toPartner || this.settings.ha.waitBackupAck);
    if (mustSucceed.some((send) => !results[plan.sends.indexOf(send)])) {
      return answer(KEA_RESULT.error, 'lease update to a peer failed; the DHCP answer is dropped');
    }
    return answer(KEA_RESULT.success, `Lease ${plan.address} allocated in scope ${plan.scope}.`, plan.lease);
  }

  private plan(rawArgs: unknown): KeaResponse | QueryPlan {
    const query = readClientQuery(rawArgs);
    if ('result' in query) return query;
    const machine = this.runner.requireState();
    if (machine.pendingCall !== null)
      return answer(KEA_RESULT.error, 'HA service is waiting for its partner; query dropped');
    const decision = decideScope(machine, query);
    if (!decision.serve) {
      const analysed = { ...query, clientId: query.clientId ?? undefined };
      this.communication.clientQueryNotServed(analysed, this.clock.now());
      return decision.response;
    }
    return this.allocate(machine, query, decision.scope);
  }

  /** Allocates a lease and starts its updates to the peers the state says get them (spec 3). */
  private allocate(machine: HaMachineState, query: ClientQuery, scope: string): KeaResponse | QueryPlan {
    const address = allocateAddress(this.leases, this.settings.leases.pool, query);
    if (address === null) return answer(KEA_RESULT.error, 'address pool exhausted');
    const lease: Lease4 = {
      ipAddress: address,
      hwAddress: query.hwAddress,
      clientId: query.clientId,
      subnetId: this.settings.leases.subnetId,
      validLifetime: this.settings.leases.validLifetime,
      cltt: nowSeconds(this.clock),
      fqdnFwd: false,
      fqdnRev: false,
      hostname: '',
      state: 0,
    };
    this.leases.put(lease);
    const update: BacklogEntry = {
      command: 'lease4-update',
      arguments: { ...leaseToJson(lease), 'force-create': true },
    };
    this.runner.submit({ type: 'lease-updates-generated', at: this.clock.now(), count: 1 });
    const sends: PlannedSend[] = [];
    const ha = this.settings.ha;
    for (const peer of ha.peers.filter((p) => p.name !== ha.thisServerName)) {
      const route = leaseUpdateRoute(machine, peer);
      if (route === 'queue') this.backlog.queue(update);
      if (route !== 'send') continue;
      const delivered = this.partner
        .send(peer.name, update.command, update.arguments)
        .then((reply) => reply.ok && reply.response.result === 0);
      sends.push({ toPartner: peer.role !== 'backup', delivered });
    }
    return { address, scope, lease: leaseToJson(lease), sends };
  }
}
