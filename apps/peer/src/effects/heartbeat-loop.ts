import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { HaInput } from '@haco/ha-core';

/** What a heartbeat came to, as the machine takes it in. */
type HeartbeatResult = Extract<HaInput, { type: 'heartbeat-completed' }>['result'];
import { failoverPartner, interpretHeartbeatAnswer } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import { PartnerClient, PEER_REQUEST_TIMEOUT_MS } from '../partner/partner-client';
import type { Clock } from '../ports/clock';
import { CommunicationMonitor } from '../runtime/communication-monitor';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK, PEER_SETTINGS } from '../ports/tokens';

/**
 * Kea's one-shot heartbeat timer: armed and cancelled as the machine's effects say, one heartbeat in
 * flight at a time, its outcome fed back as the next input.
 */
@Injectable()
export class HeartbeatLoop implements DecidedListener, OnModuleInit {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private stopped = false;

  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(PartnerClient) private readonly partner: PartnerClient,
    @Inject(CommunicationMonitor) private readonly communication: CommunicationMonitor,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
  ) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  onDecided({ effects }: Decided): void {
    for (const effect of effects) {
      if (effect.kind === 'arm-heartbeat') this.arm(effect.delayMs);
      if (effect.kind === 'cancel-heartbeat') this.cancel();
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private arm(delayMs: number): void {
    if (this.stopped || this.timer !== null || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.beat();
    }, delayMs);
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    const partner = failoverPartner(this.settings.ha);
    if (partner === undefined || this.stopped) return;
    this.inFlight = true;
    const reply = await this.partner.send(partner.name, 'ha-heartbeat', undefined, PEER_REQUEST_TIMEOUT_MS);
    await this.runner.turn(() => {
      this.inFlight = false;
      if (this.stopped) return;
      const at = this.clock.now();
      const result: HeartbeatResult = reply.ok
        ? interpretHeartbeatAnswer(reply.response, at)
        : { ok: false, reason: reply.error };
      if (result.ok) this.communication.partnerAnswered(at);
      if (this.runner.state?.pendingCall) {
        // Kea's handlers block while they wait for a peer; a heartbeat answered meanwhile is not acted on.
        if (this.runner.state.heartbeatRunning) this.arm(this.settings.ha.heartbeatDelayMs);
        return;
      }
      const communication = this.communication.view(at);
      this.runner.submit({ type: 'heartbeat-completed', at, result, communication });
    });
  }
}
