import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { PartnerCall } from '@haco/ha-core';
import { CallPerformer } from '../partner/call-performer';
import type { Clock } from '../ports/clock';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK } from '../ports/tokens';

/** Performs the peer exchange the machine waits for and feeds its outcome back as the next input. */
@Injectable()
export class PartnerCallLoop implements DecidedListener, OnModuleInit {
  private inFlight = false;

  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(CallPerformer) private readonly performer: CallPerformer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  onDecided({ effects }: Decided): void {
    for (const effect of effects) if (effect.kind === 'call-partner') this.perform(effect.call);
  }

  private perform(call: PartnerCall): void {
    if (this.inFlight) return;
    this.inFlight = true;
    void this.performer.perform(call).then((outcome) =>
      this.runner.turn(() => {
        this.inFlight = false;
        this.runner.submit({ type: 'partner-call-completed', at: this.clock.now(), outcome });
      }),
    );
  }
}
